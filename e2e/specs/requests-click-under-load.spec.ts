// A row clicked while the table follows real load opens the request that was under the pointer when the button
// went down: pressing holds the table where it is (as a wheel-up does), so the row does not move away between
// press and release, and the click then goes back to following. (Following at hundreds of rows a second, the
// row under the pointer changed before the release and the click landed on no row at all.)
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { startWrk, type Load } from '../support/load';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'e2e/fixtures/chatty');

test('clicking a row while following under load opens that row, and the table keeps following', async ({ ui: page, gantry }) => {
  const bind = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: { folder: FOLDER, name: 'Click under load', detect: false, settings: { app: 'chatty:application', bind: [bind], workers: 2 } },
  });
  const appId = added.app.definition.id;
  let load: Load | null = null;
  try {
    await gantry.api.call('start', { params: { id: appId } });
    load = startWrk(`http://${bind}/`, { connections: 4 });
    await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    await expect(page.locator('[data-screen="detail"]')).toHaveAttribute('data-state', 'running', { timeout: 45_000 });
    const table = page.getByTestId('request-table');
    // Rows arriving and the table following them.
    await expect.poll(async () => Number(await table.getAttribute('aria-rowcount')), { timeout: 30_000 }).toBeGreaterThan(500);
    await expect(table).toHaveAttribute('data-following', 'true');
    const box = (await table.boundingBox())!;
    // Which row the button goes down on, as the page sees it at that moment.
    await page.evaluate(() => {
      window.addEventListener(
        'pointerdown',
        (e) => {
          const row = (e.target as Element).closest<HTMLElement>('[data-request-id]');
          (window as unknown as { downOn: string | null }).downOn = row?.dataset.requestId ?? null;
        },
        { capture: true, once: true },
      );
    });
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await page.mouse.down();
    // A person's click takes a frame or more between press and release; rows keep arriving meanwhile.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.mouse.up();
    const downOn = await page.evaluate(() => (window as unknown as { downOn: string | null }).downOn);
    expect(downOn, 'the button went down on a row').not.toBeNull();
    await expect(page.getByTestId('request-drawer')).toBeVisible();
    expect(decodeURIComponent(page.url().split('/requests/')[1] ?? '')).toBe(downOn);
    await page.keyboard.press('Escape');
    await expect(table).toHaveAttribute('data-following', 'true');
  } finally {
    // Off the app's screen first: a call still in flight for a removed app would 404 in the next spec's step.
    await page.goto(`${gantry.url}#/`);
    await load?.stop();
    await gantry.api.call('stop', { params: { id: appId } });
    await gantry.api.call('removeApp', { params: { id: appId } });
  }
});
