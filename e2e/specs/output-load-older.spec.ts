// "Load older lines" at the top of the Output tab: the tab opens with the newest 2,000 lines, the Host keeps up to
// 5,000. Scrolled to the top, the log offers the page before its oldest line; pressing it puts that page above
// without moving the line under the reader's eyes (checked where it is painted on screen). At the oldest line the
// Host keeps, it says so, with how many lines fell off before it (the history's `kept.evicted`). While following,
// none of it shows.
import type { Locator, Page } from '@playwright/test';
import { expect, openScreen, test } from '../support/chatty';
import { burst, send } from '../support/traffic';
/** The page of output the tab opens with (renderer state/app-live-data.ts HISTORY_LIMIT). */
const FIRST_PAGE = 2000;

/** Where a line is painted, relative to the top of the log's visible area; null: not rendered. */
function placeOf(line: Locator) {
  return line.evaluate((el) => {
    const scroller = el.closest<HTMLElement>('[data-testid="output-log"]')!;
    const top = scroller.getBoundingClientRect().top + scroller.clientTop;
    const r = el.getBoundingClientRect();
    return { top: Math.round(r.top - top) || 0, bottom: Math.round(r.bottom - top) || 0 };
  });
}

/** Wheels the log up until its top is in view and the top of the log offers what it offers. */
async function scrollToTop(page: Page, output: Locator, offer: Locator): Promise<void> {
  await expect(async () => {
    await output.hover();
    await page.mouse.wheel(0, -1_000_000);
    await expect(offer).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(output).toHaveAttribute('data-following', 'false');
}

test('Output: "Load older lines" at the top puts older lines above without moving the line in view, and says where the kept output starts', async ({
  ui: page,
  gantry,
  chattyApp,
  shot,
}) => {
  const { id: appId, url } = await chattyApp('Output load older', { tab: null });
  // More than the Host keeps (5,000 lines), so the oldest fall off; then one request more, whose lines come after
  // all the others (one worker): once they are in, nothing more is coming.
  await burst(`${url}/log?many`, 1400, 4);
  await send(`${url}/log?last`);
  await expect
    .poll(async () => {
      const newest = await gantry.api.call('output', { params: { id: appId }, query: { limit: 4 } });
      return newest.items.at(-1)?.text.startsWith('chatty line last') === true && newest.kept.evicted > 0;
    })
    .toBe(true);
  const { kept } = await gantry.api.call('output', { params: { id: appId }, query: { limit: 1 } });
  expect(kept.lines, 'the Host keeps more than the first page').toBeGreaterThan(FIRST_PAGE);

  await openScreen(page, gantry.url, { id: appId }, 'output');
  const output = page.getByTestId('output-log');
  const count = page.locator('.output-tab .req-count');
  const loadOlder = page.getByTestId('load-older');
  const start = page.getByTestId('load-older-end');
  await expect(count).toHaveText(`${FIRST_PAGE.toLocaleString('en-US')} of ${FIRST_PAGE.toLocaleString('en-US')} lines`);
  await expect(output).toHaveAttribute('data-following', 'true');
  // Following the newest lines, nothing about older ones is shown.
  await expect(loadOlder).toBeHidden();
  await expect(start).toBeHidden();

  await scrollToTop(page, output, loadOlder);
  await expect(loadOlder).toHaveText('↑ Load older lines');
  await shot('output-load-older');
  let held = FIRST_PAGE;
  while (held < kept.lines) {
    // The line at the top of the visible area (the oldest held), and where it is painted.
    const topLine = output.locator('.out-line[data-index="0"]');
    const seq = Number(await topLine.getAttribute('data-seq'));
    const line = output.locator(`.out-line[data-seq="${seq}"]`);
    const before = await placeOf(line);
    expect(before.top, 'the oldest line held is at the top of the log').toBe(0);
    await loadOlder.click();
    const now = Math.min(kept.lines, held + FIRST_PAGE);
    await expect(count).toHaveText(`${now.toLocaleString('en-US')} of ${now.toLocaleString('en-US')} lines`);
    // The line stays where it was on screen; the line written before it is now right above it.
    expect(await placeOf(line), "the line under the reader's eyes did not move").toEqual(before);
    const above = output.locator(`.out-line[data-seq="${seq - 1}"]`);
    await expect(above).toBeAttached();
    expect((await placeOf(above)).bottom, 'the older line is painted right above it').toBe(before.top);
    await expect(output).toHaveAttribute('data-following', 'false');
    held = now;
    await scrollToTop(page, output, held < kept.lines ? loadOlder : start);
  }

  // At the oldest line the Host keeps: said, with how many fell off before it.
  await expect(start).toHaveText(`Start of the output the Host keeps (${kept.evicted.toLocaleString('en-US')} older lines no longer kept)`);
  await expect(loadOlder).toBeHidden();
  expect(Number(await output.locator('.out-line[data-index="0"]').getAttribute('data-seq'))).toBe(kept.oldestSeq);
  await shot('output-load-older-start');
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(start).toBeVisible();
  await shot('output-load-older-start-1024');
  await page.setViewportSize({ width: 1280, height: 800 });
});
