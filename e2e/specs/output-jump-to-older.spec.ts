// "Jump to" in the Output toolbar reaches output older than the page the tab opened with (its newest 2,000
// lines): the older lines the Host still keeps are loaded, and the first line at or after the time is painted at
// the top of the log, marked, and stays there while new output arrives. A time older than anything the Host still
// keeps says so on screen instead of landing on the oldest kept line as if it were the one asked for. Checked on
// screen (where the line is painted) against the output log's own times.
import type { Locator } from '@playwright/test';
import { expect, openScreen, test } from '../support/chatty';
import { localSecond, sendAcrossSeconds } from '../support/clock';
import { burst, send } from '../support/traffic';
import { AppDetailPage } from '../pages/app-detail-page';

/** Each /log request writes this many lines (a long line and a three-line block). */
const LINES_PER_REQUEST = 4;
/** The page of output the tab opens with (renderer state/app-live-data.ts HISTORY_LIMIT). */
const FIRST_PAGE = 2000;

/** Where a line is painted in the log's visible area; null: not rendered. */
function placeOf(line: Locator) {
  return line.evaluate((el) => {
    const scroller = el.closest<HTMLElement>('[data-testid="output-log"]')!;
    const box = scroller.getBoundingClientRect();
    const top = box.top + scroller.clientTop;
    const r = el.getBoundingClientRect();
    return { inView: r.top >= top - 0.5 && r.bottom <= top + scroller.clientHeight + 0.5, offset: Math.round(r.top - top) || 0 };
  });
}

test('jump to a time older than the lines the Output tab opened with: older output is loaded, the line is at the top, marked, and stays', async ({
  ui: page,
  gantry,
  shot,
  chattyApp,
}) => {
  const { id: appId, bind } = await chattyApp('Output jump back', { tab: null });
  const requestLines = async () =>
    (await gantry.api.call('output', { params: { id: appId }, query: { limit: 5000 } })).items.filter((l) => l.requestId !== null);
  // Output across a second boundary, then more than the tab's first page after it.
  const { firstFullSecond, sent: early } = await sendAcrossSeconds(`http://${bind}/log`, 1, 150);
  await burst(`http://${bind}/log?later`, 600, 4);
  const total = (early + 600) * LINES_PER_REQUEST;
  // Lines may still be on their way from the worker when the last response is in.
  await expect.poll(async () => (await requestLines()).length).toBe(total);
  const log = (await requestLines()).slice().reverse(); // oldest first, as the tab shows them
  const all = (await gantry.api.call('output', { params: { id: appId }, query: { limit: 5000 } })).items.slice().reverse();
  const target = all.find((l) => l.time >= firstFullSecond)!;
  expect(target.requestId, 'the target is a line the app wrote').not.toBeNull();
  expect(all.length - all.indexOf(target), 'the target is older than the first page').toBeGreaterThan(FIRST_PAGE);
  expect(log.length).toBe(total);

  await openScreen(page, gantry.url, { id: appId }, 'output');
  const detail = new AppDetailPage(page);
  const output = page.getByTestId('output-log');
  const count = page.locator('.output-tab .req-count');
  await expect(count).toHaveText(`${FIRST_PAGE.toLocaleString('en-US')} of ${FIRST_PAGE.toLocaleString('en-US')} lines`);
  await expect(output).toHaveAttribute('data-following', 'true');

  await detail.openTime();
  await page.getByLabel('Jump to', { exact: true }).fill(localSecond(firstFullSecond));
  await page.getByTestId('jump-go').click();
  const line = output.locator(`.out-line[data-seq="${target.seq}"]`);
  await expect(line).toHaveAttribute('data-jump-target', 'true');
  await expect(output).toHaveAttribute('data-following', 'false');
  expect(await placeOf(line), 'the line at that time is painted at the top of the log').toEqual({ inView: true, offset: 0 });
  // Older lines were loaded (from the target on), nothing filtered out.
  const held = all.length - all.indexOf(target);
  await expect(count).toHaveText(`${held.toLocaleString('en-US')} of ${held.toLocaleString('en-US')} lines`);
  await shot('output-jump-to-older');
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await placeOf(line)).toMatchObject({ inView: true });
  await shot('output-jump-to-older-1024');
  await page.setViewportSize({ width: 1280, height: 800 });

  // New output arrives below; the line the jump found stays where it is.
  await burst(`http://${bind}/log?after-jump`, 20, 2);
  await expect(count).toHaveText(`${(held + 80).toLocaleString('en-US')} of ${(held + 80).toLocaleString('en-US')} lines`);
  await expect(line).toHaveAttribute('data-jump-target', 'true');
  expect(await placeOf(line)).toEqual({ inView: true, offset: 0 });
  await expect(output).toHaveAttribute('data-following', 'false');
});

test('jump to a time older than anything the Host still keeps: the log says so, and marks the oldest line kept', async ({
  ui: page,
  gantry,
  shot,
  chattyApp,
}) => {
  const { id: appId, bind } = await chattyApp('Output not kept', { tab: null });
  const before = Date.now();
  // More than the Host keeps (5,000 lines): the oldest fall off. Then one request more: its worker (the only one)
  // writes its lines after all the others, so once they are in, nothing more is coming and the oldest kept holds.
  await burst(`http://${bind}/log?many`, 1400, 4);
  await send(`http://${bind}/log?last`);
  await expect
    .poll(async () => {
      const newest = await gantry.api.call('output', { params: { id: appId }, query: { limit: LINES_PER_REQUEST } });
      return newest.items.at(-1)?.text.startsWith('chatty line last') === true && newest.kept.evicted > 0;
    })
    .toBe(true);
  const oldest = (await gantry.api.call('output', { params: { id: appId }, query: { since: 0, limit: 5000 } })).items.at(-1)!;
  expect(oldest.time, 'the time asked for is older than the oldest line kept').toBeGreaterThan(before - 1000);

  await openScreen(page, gantry.url, { id: appId }, 'output');
  const detail = new AppDetailPage(page);
  const output = page.getByTestId('output-log');
  await expect(output).toHaveAttribute('data-following', 'true');
  await detail.openTime();
  // A second before the first request: its output fell off the history.
  await page.getByLabel('Jump to', { exact: true }).fill(localSecond(before - 1000));
  await page.getByTestId('jump-go').click();
  const note = page.getByRole('status').filter({ hasText: 'no longer kept' });
  await expect(note).toBeVisible();
  await expect(note).toContainText('5,000 lines');
  const line = output.locator(`.out-line[data-seq="${oldest.seq}"]`);
  await expect(line).toHaveAttribute('data-jump-target', 'true');
  expect(await placeOf(line)).toEqual({ inView: true, offset: 0 });
  await shot('output-jump-not-kept');
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(note).toBeVisible();
  expect(await placeOf(line)).toMatchObject({ inView: true });
  await shot('output-jump-not-kept-1024');
  await page.setViewportSize({ width: 1280, height: 800 });
});
