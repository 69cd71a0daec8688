// "Jump to" in the Requests toolbar scrolls the table to the first request at or after a time, without filtering:
// the table stops following, and that row is on screen, highlighted, at the top of the view — and stays there
// while more requests arrive. Checked on screen (where the row is painted), against the access log's own times.
import type { Page } from '@playwright/test';
import { expect, openScreen, test } from '../support/chatty';
import { localSecond, sendAcrossSeconds } from '../support/clock';
import { burst, send } from '../support/traffic';
import { AppDetailPage } from '../pages/app-detail-page';

const HEADER_PX = 28;

/** Where a request's row is painted in the table's visible area (below its sticky header); null: not rendered. */
function placeOf(page: Page, requestId: string) {
  return page.evaluate(
    ({ id, headerPx }) => {
      const scroller = document.querySelector<HTMLElement>('[data-testid="request-table"]')!;
      const row = scroller.querySelector<HTMLElement>(`[data-request-id="${id}"]`);
      if (!row) return null;
      const box = scroller.getBoundingClientRect();
      const top = box.top + scroller.clientTop + headerPx;
      const bottom = box.top + scroller.clientTop + scroller.clientHeight;
      const r = row.getBoundingClientRect();
      return { inView: r.top >= top - 0.5 && r.bottom <= bottom + 0.5, offset: Math.round(r.top - top) || 0 };
    },
    { id: requestId, headerPx: HEADER_PX },
  );
}

test('jump to a time: the first request at or after it is at the top of the view, highlighted, and nothing is filtered', async ({
  ui: page,
  gantry,
  shot,
  chattyApp,
}) => {
  const { id: appId, bind } = await chattyApp('Time jumps');
  const table = page.getByTestId('request-table');

  // Requests across three whole seconds, far more than the table shows at once.
  const { firstFullSecond, sent } = await sendAcrossSeconds(`http://${bind}/`, 2);
  await expect(table).toHaveAttribute('aria-rowcount', String(sent + 1));
  await expect(table).toHaveAttribute('data-following', 'true');

  // The access log, oldest first (the table's order): the first request at or after the middle second.
  const log = (await gantry.api.call('access', { params: { id: appId }, query: { limit: 5000 } })).items.slice().reverse();
  expect(log).toHaveLength(sent);
  const target = log.find((r) => r.time >= firstFullSecond)!;
  expect(log.indexOf(target), 'the target is well above the newest rows').toBeLessThan(sent - 60);

  await new AppDetailPage(page).openTime();
  await page.getByLabel('Jump to', { exact: true }).fill(localSecond(firstFullSecond));
  await page.getByTestId('jump-go').click();
  await expect(table).toHaveAttribute('data-following', 'false');
  const row = table.locator(`[data-request-id="${target.requestId}"]`);
  await expect(row).toHaveAttribute('data-jump-target', 'true');
  const place = await placeOf(page, target.requestId);
  expect(place, 'the row at that time is painted inside the visible area, at its top').toEqual({ inView: true, offset: 0 });
  // Jumping filtered nothing out.
  await expect(page.getByTestId('table-rows')).toHaveText(`${sent.toLocaleString('en-US')} rows in the table`);
  await shot('requests-jump-to-time');

  // New requests arrive below; the row the jump found stays where it is.
  await send(`http://${bind}/?after-jump`, 30);
  await expect(table).toHaveAttribute('aria-rowcount', String(sent + 31));
  expect(await placeOf(page, target.requestId)).toEqual({ inView: true, offset: 0 });
  await expect(table).toHaveAttribute('data-following', 'false');

  // A time after every request: the table says so and stays where it is.
  await new AppDetailPage(page).openTime();
  await page.getByLabel('Jump to', { exact: true }).fill(localSecond(Date.now() + 3_600_000));
  await page.getByTestId('jump-go').click();
  await expect(page.getByRole('status').filter({ hasText: 'No request at or after' })).toBeVisible();
  expect(await placeOf(page, target.requestId)).toEqual({ inView: true, offset: 0 });
});

test('jump to a time older than the rows the table opened with: the older history is loaded, then the jump lands', async ({
  ui: page,
  gantry,
  shot,
  chattyApp,
}) => {
  // History first, then the screen: the table opens on the newest 2,000 rows.
  const app = await chattyApp('Jump back', { tab: null });
  const { id: appId, bind } = app;
  // A second boundary among the first requests, then more than the table's first page (2,000) after them.
  const { firstFullSecond, sent: early } = await sendAcrossSeconds(`http://${bind}/`, 1, 600);
  await burst(`http://${bind}/?later`, 2100, 4);
  const total = early + 2100;
  const log = (await gantry.api.call('access', { params: { id: appId }, query: { limit: 5000 } })).items.slice().reverse();
  expect(log).toHaveLength(total);
  const target = log.find((r) => r.time >= firstFullSecond)!;
  expect(log.length - log.indexOf(target), 'the target is older than the first page').toBeGreaterThan(2000);

  await openScreen(page, gantry.url, app);
  const table = page.getByTestId('request-table');
  await expect(table).toHaveAttribute('aria-rowcount', '2001');
  await new AppDetailPage(page).openTime();
  await page.getByLabel('Jump to', { exact: true }).fill(localSecond(firstFullSecond));
  await page.getByTestId('jump-go').click();
  await expect(table.locator(`[data-request-id="${target.requestId}"]`)).toHaveAttribute('data-jump-target', 'true');
  expect(await placeOf(page, target.requestId)).toEqual({ inView: true, offset: 0 });
  await expect(table).toHaveAttribute('aria-rowcount', String(total + 1));
  await shot('requests-jump-to-older');
});
