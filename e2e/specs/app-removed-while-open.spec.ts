// An app removed while its screen is open (from the CLI, another window, or a script): the screen says so
// and stops asking for the app's data — no request for it answers 404 in the page (each would be a console
// error, as a reader's devtools shows), whichever tab was open.
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'e2e/fixtures/chatty');

for (const tab of ['requests', 'output', 'metrics'] as const) {
  test(`removed while its ${tab} tab is open, the screen says so and asks for nothing more`, async ({ ui: page, gantry }) => {
    const bind = `127.0.0.1:${await freePort()}`;
    const added = await gantry.api.call('addApp', {
      body: { folder: FOLDER, name: `Removed ${tab}`, detect: false, settings: { app: 'chatty:application', bind: [bind], workers: 1 } },
    });
    const appId = added.app.definition.id;
    await gantry.api.call('start', { params: { id: appId } });
    await page.goto(`${gantry.url}#/apps/${appId}/${tab}`);
    await expect(page.locator('[data-screen="detail"]')).toHaveAttribute('data-state', 'running', { timeout: 45_000 });
    const notFound: string[] = [];
    page.on('response', (r) => r.status() === 404 && notFound.push(r.url()));
    await gantry.api.call('stop', { params: { id: appId } });
    await gantry.api.call('removeApp', { params: { id: appId } });
    await expect(page.getByRole('heading', { name: `No app “${appId}”` })).toBeVisible();
    // A round trip through the UI's own stream after the removal: anything the screen asked for on the way is answered.
    await page.locator('.empty').getByRole('link', { name: 'All apps' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Apps' })).toBeVisible();
    await page.goBack();
    await expect(page.getByRole('heading', { name: `No app “${appId}”` })).toBeVisible();
    await page.goto(`${gantry.url}#/`);
    await expect(page.getByRole('heading', { level: 1, name: 'Apps' })).toBeVisible();
    expect(notFound).toEqual([]);
  });
}
