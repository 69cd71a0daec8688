// The empty table does not contradict the toolbar: paused before the first request, with requests waiting
// behind "Resume (N new)", it says they are waiting instead of "Waiting for requests. Open … to send one."
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'e2e/fixtures/chatty');

test('paused with no rows yet, the empty table says requests are waiting, not that none came', async ({ ui: page, gantry, shot }) => {
  const bind = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: { folder: FOLDER, name: 'Empty paused', detect: false, settings: { app: 'chatty:application', bind: [bind], workers: 1 } },
  });
  const appId = added.app.definition.id;
  try {
    await gantry.api.call('start', { params: { id: appId } });
    await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    await expect(page.locator('[data-screen="detail"]')).toHaveAttribute('data-state', 'running', { timeout: 45_000 });
    const table = page.getByTestId('request-table');
    await expect(table.getByText(/^Waiting for requests\./)).toBeVisible();
    await page.getByTestId('pause').click();
    for (let i = 0; i < 3; i++) expect((await page.request.get(`http://${bind}/?n=${i}`)).status()).toBe(200);
    await expect(page.getByTestId('pause')).toHaveText('▶ Resume (3 new)');
    await expect(table.getByText('3 requests arrived while paused: Resume shows them.')).toBeVisible();
    await expect(table.getByText(/^Waiting for requests\./)).toBeHidden();
    await shot('requests-empty-paused');
    await page.getByTestId('pause').click();
    await expect(table).toHaveAttribute('aria-rowcount', '4');
  } finally {
    // Off the app's screen first: a call still in flight for a removed app would 404 in the next spec's step.
    await page.goto(`${gantry.url}#/`);
    await gantry.api.call('stop', { params: { id: appId } });
    await gantry.api.call('removeApp', { params: { id: appId } });
  }
});
