// An app removed while its screen is open (from the CLI, another window, or a script): the screen says so
// and stops asking for the app's data — no request for it answers 404 in the page (each would be a console
// error, as a reader's devtools shows), whichever tab was open.
import { expect, test } from '../support/chatty';

for (const tab of ['requests', 'output', 'metrics'] as const) {
  test(`removed while its ${tab} tab is open, the screen says so and asks for nothing more`, async ({ ui: page, gantry, chattyApp }) => {
    const { id: appId } = await chattyApp(`Removed ${tab}`, { tab });
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
