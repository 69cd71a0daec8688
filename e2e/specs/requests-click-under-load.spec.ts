// A row clicked while the table follows real load opens the request that was under the pointer when the button
// went down: pressing holds the table where it is (as a wheel-up does), so the row does not move away between
// press and release, and the click then goes back to following. (Following at hundreds of rows a second, the
// row under the pointer changed before the release and the click landed on no row at all.)
import { expect, openScreen, test } from '../support/chatty';
import { startWrk, type Load } from '../support/load';

test('clicking a row while following under load opens that row, and the table keeps following', async ({ ui: page, gantry, chattyApp }) => {
  // The load starts before the screen opens: the table opens on rows already arriving.
  const app = await chattyApp('Click under load', { workers: 2, tab: null });
  const load: Load = startWrk(`${app.url}/`, { connections: 4 });
  try {
    await openScreen(page, gantry.url, app);
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
    await load.stop();
  }
});
