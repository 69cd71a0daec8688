// "Since" and "until" in the Requests toolbar narrow the table to the rows whose time falls in the range
// (local clock times, like the Time column), checked on screen against the times the access log recorded.
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { localSecond } from '../support/clock';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'e2e/fixtures/chatty');

test('since / until keep the rows in the time range, and Clear brings every row back', async ({ ui: page, gantry, shot }) => {
  const bind = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: { folder: FOLDER, name: 'Time range', detect: false, settings: { app: 'chatty:application', bind: [bind], workers: 1 } },
  });
  const appId = added.app.definition.id;
  try {
    await gantry.api.call('start', { params: { id: appId } });
    await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    await expect(page.locator('[data-screen="detail"]')).toHaveAttribute('data-state', 'running', { timeout: 45_000 });
    for (let i = 0; i < 12; i++) expect((await page.request.get(`http://${bind}/?n=${i}`)).status()).toBe(200);
    const table = page.getByTestId('request-table');
    await expect(table).toHaveAttribute('aria-rowcount', '13');

    const times = (await gantry.api.call('access', { params: { id: appId }, query: { limit: 100 } })).items.map((r) => r.time);
    expect(times).toHaveLength(12);
    const newest = Math.max(...times);
    const since = localSecond(newest); // the newest row's second: at least that row, never the ones before it
    const expected = times.filter((t) => t >= Math.floor(newest / 1000) * 1000).length;
    await page.getByLabel('Since').fill(since);
    await expect(table).toHaveAttribute('aria-rowcount', String(expected + 1));
    await expect(page.getByTestId('table-rows')).toHaveText(`${expected} of 12 rows in the table match`);
    await shot('requests-time-since');

    // Until a second before the oldest row: nothing in range, and the table says so.
    const oldest = Math.min(...times);
    await page.getByLabel('Since').fill('');
    await page.getByLabel('until').fill(localSecond(oldest - 1000));
    await expect(table).toHaveAttribute('aria-rowcount', '1');
    await expect(table.getByText('No request matches these filters.')).toBeVisible();

    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(table).toHaveAttribute('aria-rowcount', '13');
    await expect(page.getByLabel('until')).toHaveValue('');
  } finally {
    await gantry.api.call('stop', { params: { id: appId } });
    await gantry.api.call('removeApp', { params: { id: appId } });
  }
});
