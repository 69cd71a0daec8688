// The empty table does not contradict the toolbar: paused before the first request, with requests waiting
// behind "Resume (N new)", it says they are waiting instead of "Waiting for requests. Open … to send one."
import { expect, test } from '../support/chatty';

test('paused with no rows yet, the empty table says requests are waiting, not that none came', async ({ ui: page, shot, chattyApp }) => {
  const { bind } = await chattyApp('Empty paused');
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
});
