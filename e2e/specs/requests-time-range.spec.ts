// "Since" and "until" in the Requests toolbar narrow the table to the rows whose time falls in the range
// (local clock times, like the Time column), checked on screen against the times the access log recorded.
import { expect, test } from '../support/chatty';
import { localSecond } from '../support/clock';
import { AppDetailPage } from '../pages/app-detail-page';

test('since / until keep the rows in the time range, and Clear brings every row back', async ({ ui: page, gantry, shot, chattyApp }) => {
  const { id: appId, bind } = await chattyApp('Time range');
  for (let i = 0; i < 12; i++) expect((await page.request.get(`http://${bind}/?n=${i}`)).status()).toBe(200);
  const table = page.getByTestId('request-table');
  await expect(table).toHaveAttribute('aria-rowcount', '13');

  const times = (await gantry.api.call('access', { params: { id: appId }, query: { limit: 100 } })).items.map((r) => r.time);
  expect(times).toHaveLength(12);
  const newest = Math.max(...times);
  const since = localSecond(newest); // the newest row's second: at least that row, never the ones before it
  const expected = times.filter((t) => t >= Math.floor(newest / 1000) * 1000).length;
  const detail = new AppDetailPage(page);
  await detail.openTime();
  await page.getByLabel('Since').fill(since);
  await expect(table).toHaveAttribute('aria-rowcount', String(expected + 1));
  await expect(page.getByTestId('table-rows')).toHaveText(`${expected} of 12 rows in the table match`);
  await shot('requests-time-since');

  // Until a second before the oldest row: nothing in range, and the table says so.
  const oldest = Math.min(...times);
  await detail.openTime();
  await page.getByLabel('Since').fill('');
  await page.getByLabel('until').fill(localSecond(oldest - 1000));
  await expect(table).toHaveAttribute('aria-rowcount', '1');
  await expect(table.getByText('No request matches these filters.')).toBeVisible();

  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(table).toHaveAttribute('aria-rowcount', '13');
  await expect(page.getByTestId('time-button')).toHaveText('Time ▾');
  await detail.openTime();
  await expect(page.getByLabel('until')).toHaveValue('');
});
