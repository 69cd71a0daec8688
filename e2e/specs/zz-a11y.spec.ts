// Keyboard and screen-reader basics on every screen: axe-core finds no serious or critical violation, focus
// moves to the new screen's heading on navigation, and the live request counter does not chatter. Runs last
// (zz-): it visits what the other specs left — apps in several states, a finished launch.
import { expect, test } from '../support/fixtures';
import { expectAccessible } from '../support/axe';
import { OverviewPage } from '../pages/overview-page';
import { AppDetailPage } from '../pages/app-detail-page';
import { AddAppPage } from '../pages/add-app-page';
import { addApp, demoCopy, freePort } from '../support/projects';
import { send } from '../support/traffic';

test.describe.serial('accessibility', () => {
  let id = '';
  test('the overview, with a launch panel and a failed app', async ({ ui: page, gantry }) => {
    id = await addApp(gantry.api, {
      folder: demoCopy(),
      name: 'A11y e2e',
      settings: { app: 'hello:application', bind: [`127.0.0.1:${await freePort()}`] },
      detect: false,
    });
    const overview = new OverviewPage(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add app' }).click();
    await overview.open();
    await expect(page.getByRole('heading', { level: 1, name: 'Apps' })).toBeFocused();
    await overview.press('A11y e2e', 'Launch staging');
    await expect(overview.launchPanel('A11y e2e')).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
    await expectAccessible(page, 'overview');
  });

  test('the Add screen, with detection results', async ({ ui: page }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add app' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Add an app' })).toBeFocused();
    const add = new AddAppPage(page);
    await add.detect(demoCopy());
    await expectAccessible(page, 'add (untrusted folder)');
    await page.getByRole('button', { name: 'Trust this folder and check' }).click();
    await expect(page.getByTestId('verification')).toBeVisible({ timeout: 60_000 });
    await expectAccessible(page, 'add (detection results)');
  });

  test('every tab of an app', async ({ ui: page }) => {
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.openApp('A11y e2e');
    await expect(page.getByRole('heading', { level: 1, name: 'A11y e2e' })).toBeFocused();
    const detail = new AppDetailPage(page);
    const url = await detail.appUrl();
    await send(`${url}/json`, 3);
    await send(`${url}/error`);
    await expect(detail.rowsWithPath('/error')).toHaveCount(1);
    // The request count changes under load; it is not a live region (a screen reader would read every change).
    const count = page.getByTestId('request-count');
    expect(await count.evaluate((el) => el.closest('[aria-live]:not([aria-live="off"])') === null)).toBe(true);
    await expectAccessible(page, 'requests');
    // The toolbar's popovers, open: labelled fields, reachable from the keyboard, Escape gives focus back.
    await detail.openTime();
    await expect(page.getByLabel('Since')).toBeFocused();
    await expectAccessible(page, 'requests, Time open');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('time-button')).toBeFocused();
    await detail.openExport();
    await expectAccessible(page, 'requests, Export open');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('export-button')).toBeFocused();
    await detail.rowsWithPath('/error').click();
    await expect(detail.drawer).toBeVisible();
    await expectAccessible(page, 'request drawer');
    await page.keyboard.press('Escape');
    await page.getByTestId('show-routes').click();
    await expect(page.getByTestId('routes-view').locator('[data-route="GET /error"]')).toBeVisible();
    await expectAccessible(page, 'routes');
    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    for (const tab of ['Output', 'Workers', 'Metrics', 'Settings'] as const) {
      await detail.tab(tab);
      await expectAccessible(page, tab);
    }
  });
});
