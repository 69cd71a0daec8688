// "Since" and "until" in the Output toolbar keep the lines written in the range (local clock times, as in the
// Requests toolbar), checked on screen — the count of lines and the times of the lines painted — against the
// times the output log recorded. "Jump to" puts the first line at or after a time at the top of the log.
import { expect, test } from '../support/chatty';
import { localSecond, sendAcrossSeconds } from '../support/clock';
import { AppDetailPage } from '../pages/app-detail-page';

test('since / until in the Output tab keep the lines in the time range, with the other filters; jump to a time scrolls there', async ({
  ui: page,
  gantry,
  shot,
  chattyApp,
}) => {
  const { id: appId, bind } = await chattyApp('Output range', { tab: 'output' });
  const log = page.getByTestId('output-log');

  // Output across three whole seconds (each /log request writes a long line and a three-line block; at most
  // 1,000 requests, 4,000 lines: after merging main, 300 requests finished inside one second and spanned none).
  const { firstFullSecond } = await sendAcrossSeconds(`http://${bind}/log`, 2, 1000);
  // Lines may still be on their way from the worker when its last response is in: read the log once the screen
  // and the server agree on it.
  const count = page.locator('.output-tab .req-count');
  let all: Awaited<ReturnType<typeof readOutput>> = [];
  const readOutput = async () => (await gantry.api.call('output', { params: { id: appId }, query: { limit: 5000 } })).items;
  await expect
    .poll(async () => {
      all = await readOutput();
      const n = all.length.toLocaleString('en-US');
      return (await count.textContent()) === `${n} of ${n} lines`;
    })
    .toBe(true);

  // Since the middle second, until its end: only the lines written in it.
  const from = firstFullSecond;
  const to = firstFullSecond + 999;
  const inRange = all.filter((l) => l.time >= from && l.time <= to);
  expect(inRange.length, 'some lines fall in the second, and some outside it').toBeGreaterThan(0);
  expect(inRange.length).toBeLessThan(all.length);
  const detail = new AppDetailPage(page);
  await detail.openTime();
  await page.getByLabel('Since').fill(localSecond(from));
  await page.getByLabel('until').fill(localSecond(from));
  await expect(count).toHaveText(`${inRange.length.toLocaleString('en-US')} of ${all.length.toLocaleString('en-US')} lines`);
  // What is painted: every line on screen is from that second (its seq is one of the range's).
  const seqs = new Set(inRange.map((l) => String(l.seq)));
  const painted = await log.locator('.out-line').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seq')));
  expect(painted.length).toBeGreaterThan(0);
  expect(painted.filter((s) => !seqs.has(s!))).toEqual([]);
  await shot('output-time-range');

  // With the other filters, not instead of them: the search narrows the range further.
  const blocks = inRange.filter((l) => l.text.includes('chatty block'));
  await page.getByLabel('Search output').fill('chatty block');
  await expect(count).toHaveText(`${blocks.length.toLocaleString('en-US')} of ${all.length.toLocaleString('en-US')} lines`);
  await page.getByLabel('Search output').fill('');

  // An empty range says so.
  await detail.openTime();
  await page.getByLabel('Since').fill('');
  await page.getByLabel('until').fill(localSecond(Math.min(...all.map((l) => l.time)) - 1000));
  await expect(count).toHaveText(`0 of ${all.length.toLocaleString('en-US')} lines`);
  await expect(log.getByText('No line matches these filters.')).toBeVisible();
  await page.getByLabel('until').fill('');

  // Jump to the middle second: its first line goes to the top of the log, marked; the log stops following.
  const first = all
    .slice()
    .reverse()
    .find((l) => l.time >= firstFullSecond)!;
  await expect(log).toHaveAttribute('data-following', 'true');
  await detail.openTime();
  await page.getByLabel('Jump to', { exact: true }).fill(localSecond(firstFullSecond));
  await page.getByTestId('jump-go').click();
  await expect(log).toHaveAttribute('data-following', 'false');
  const line = log.locator(`.out-line[data-seq="${first.seq}"]`);
  await expect(line).toHaveAttribute('data-jump-target', 'true');
  const place = await line.evaluate((el) => {
    const scroller = el.closest<HTMLElement>('[data-testid="output-log"]')!;
    const box = scroller.getBoundingClientRect();
    const top = box.top + scroller.clientTop;
    const r = el.getBoundingClientRect();
    return { inView: r.top >= top - 0.5 && r.bottom <= top + scroller.clientHeight + 0.5, offset: Math.round(r.top - top) || 0 };
  });
  expect(place, 'the first line of that second is painted at the top of the log').toEqual({ inView: true, offset: 0 });
  await expect(count).toHaveText(`${all.length.toLocaleString('en-US')} of ${all.length.toLocaleString('en-US')} lines`);
  await shot('output-jump-to-time');
});
