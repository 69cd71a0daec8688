// The live log viewer under real load (wrk against a small app at well over 1,000 req/s): what is on screen
// is sampled every 100 ms — never the stores behind it. Following, the viewport is covered by the newest
// rows; scrolled up, the row under the reader's eyes stays put while the cap trims rows above; the Output
// tab opens on its newest line and keeps following wrapped, multi-line entries.
import { expect, test } from '../support/fixtures';
import { hostChatty, removeWhileOpen } from '../support/chatty';
import { startWrk, type Load } from '../support/load';
import { sampleViewport, type ProbeSpec, type ViewportSample } from '../support/viewport-probe';

const REQUESTS: Omit<ProbeSpec, 'everyMs' | 'forMs'> = {
  scroller: '[data-testid="request-table"]',
  rows: '[role="row"][data-request-id]',
  indexAttr: 'aria-rowindex',
  idAttr: 'data-request-id',
  headerPx: 28,
  lastIndexAttr: 'aria-rowcount',
};
const OUTPUT: Omit<ProbeSpec, 'everyMs' | 'forMs'> = {
  scroller: '[data-testid="output-log"]',
  rows: '.out-line',
  indexAttr: 'data-index',
  idAttr: 'data-seq',
  headerPx: 0,
  countText: '.output-tab .req-count',
};

function summary(samples: readonly ViewportSample[]): string {
  const bad = samples.filter((s) => !s.covered || !s.newestInView);
  return `${samples.length - bad.length}/${samples.length} good; first bad: ${JSON.stringify(bad.slice(0, 5))}`;
}

// Not serial: each test brings the app and the load it needs, so one failing does not hide the others.
test.describe('the live viewer under load', () => {
  let appId = '';
  // A free port (not a fixed one), so a CI run and a developer's run on one machine do not collide.
  let appUrl = '';
  let load: Load | null = null;
  let target = '';
  const loadOn = async (urlPath: string, connections: number): Promise<void> => {
    if (load && target === urlPath) return;
    await load?.stop();
    target = urlPath;
    load = startWrk(`${appUrl}${urlPath}`, { connections });
  };

  test.beforeAll(async ({ gantry }) => {
    const list = await gantry.api.call('listApps');
    const existing = list.apps.find((a) => a.definition.name === 'Live viewer');
    if (existing) {
      // Made by an earlier worker of this run (a failed test restarts the worker): keep its port.
      appId = existing.definition.id;
      appUrl = `http://${existing.definition.settings.bind![0]!}`;
      return;
    }
    ({ id: appId, url: appUrl } = await hostChatty(gantry.api, 'Live viewer', 2));
  });

  test.afterAll(async ({ ui: page, gantry }) => {
    await load?.stop();
    load = null;
    // Leave the shared UI as it was: the app goes from its own screen (chatty.ts says why).
    await removeWhileOpen(page, gantry, { id: appId });
  });

  test('following under a wrk load, the viewport is covered by the newest rows', async ({ ui: page, gantry, shot }) => {
    await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    await expect(page.locator('[data-screen="detail"]')).toHaveAttribute('data-state', 'running', { timeout: 45_000 });
    await loadOn('/', 4);
    const table = page.getByTestId('request-table');
    await expect(table.locator('[role="row"][data-request-id]').first()).toBeVisible();
    await expect(table).toHaveAttribute('data-following', 'true');
    const served = async () => (await gantry.api.call('metrics', { params: { id: appId } })).current!.requests;
    const before = { n: await served(), t: Date.now() };
    const samples = await page.evaluate(sampleViewport, { ...REQUESTS, everyMs: 100, forMs: 10_000 });
    const rate = ((await served()) - before.n) / ((Date.now() - before.t) / 1000);
    await shot('live-01-requests-following');
    const good = samples.filter((s) => s.covered && s.newestInView).length;
    expect(good / samples.length, summary(samples)).toBeGreaterThanOrEqual(0.99);
    // The floor only shows the table was under real load while sampled: on an idle 2-core box the app serves
    // 1,000+ req/s beside Chromium; on a busy one (other jobs, CI neighbours) it measured 913. The coverage
    // claim above must hold at whatever rate that is.
    expect(rate, 'the app served at least 500 req/s while the screen was sampled').toBeGreaterThanOrEqual(500);
  });

  test('above what the table holds on to (1,000 req/s), it says "Showing 1 in N" beside the true rate; below, it shows every request', async ({
    ui: page,
    gantry,
    shot,
  }) => {
    await loadOn('/', 8);
    if (!page.url().includes(`/apps/${appId}/requests`)) await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    const sampled = page.getByTestId('sampled');
    const served = async () => (await gantry.api.call('metrics', { params: { id: appId } })).current!.requests;
    // Past the first second of counting, read the screen beside the rate the app's own metrics measure.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 1500)));
    const before = { n: await served(), t: Date.now() };
    await page.evaluate(() => new Promise((r) => setTimeout(r, 2000)));
    const rate = ((await served()) - before.n) / ((Date.now() - before.t) / 1000);
    // Sampling starts once the stream's burst allowance (two seconds of what the table shows) is used up: at a
    // rate just above 1,000/s that takes a while, so wait on the screen for it rather than a fixed time.
    if (rate > 1300) await expect(sampled, `metrics say ${rate.toFixed(0)} req/s`).toBeVisible({ timeout: 30_000 });
    const text = (await sampled.count()) > 0 ? await sampled.textContent() : null;
    await shot('live-04-requests-sampled');
    // Which mode is on depends on how fast this box lets the app go; each has its claim, and near the threshold
    // neither is asserted.
    if (rate > 1300) {
      expect(text, `metrics say ${rate.toFixed(0)} req/s`).not.toBeNull();
      const m = /Showing 1 in (\d+) · ([\d,]+) req\/s, ([\d,]+)\/s shown/.exec(text!)!;
      const [oneIn, seenPerSec, shownPerSec] = [Number(m[1]), Number(m[2]!.replace(/,/g, '')), Number(m[3]!.replace(/,/g, ''))];
      expect(oneIn, text!).toBeGreaterThanOrEqual(2);
      // The true count, not what was sent: within the noise of one-second windows of the app's own metrics.
      expect(seenPerSec, `${text}; metrics say ${rate.toFixed(0)} req/s`).toBeGreaterThan(rate * 0.5);
      expect(seenPerSec, `${text}; metrics say ${rate.toFixed(0)} req/s`).toBeLessThan(rate * 2);
      expect(shownPerSec, text!).toBeLessThan(seenPerSec / 1.2);
    } else if (rate < 700) {
      expect(text, `metrics say ${rate.toFixed(0)} req/s`).toBeNull();
    }
  });

  test('scrolled up while the cap trims rows above, the rows under the reader do not move', async ({ ui: page, gantry, shot }) => {
    await loadOn('/', 4);
    if (!page.url().includes(`/apps/${appId}/requests`)) await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    const table = page.getByTestId('request-table');
    // The table holds its cap, so every new row trims one above the reader.
    await expect(table).toHaveAttribute('aria-rowcount', '10001', { timeout: 60_000 });
    await table.hover();
    await page.mouse.wheel(0, -2000);
    await expect(table).toHaveAttribute('data-following', 'false');
    // Let the wheel's scroll land before taking the reader's place.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const samples = await page.evaluate(sampleViewport, { ...REQUESTS, everyMs: 100, forMs: 5_000 });
    await shot('live-02-requests-scrolled-up');
    const first = samples[0]!;
    expect(first.topId).not.toBeNull();
    const moved = samples.filter((s) => s.topId !== first.topId || Math.abs(s.topOffset - first.topOffset) > 1 || !s.covered);
    expect(moved, `top row ${first.topId} at ${first.topOffset}px; moved: ${JSON.stringify(moved.slice(0, 5))}`).toEqual([]);
  });

  test('the Output tab opens on its newest line and keeps following wrapped, multi-line entries', async ({ ui: page, gantry, shot }) => {
    await loadOn('/log', 2);
    if (!page.url().includes(`/apps/${appId}/`)) await page.goto(`${gantry.url}#/apps/${appId}/requests`);
    // Output is already arriving when the tab opens.
    await expect
      .poll(async () => (await gantry.api.call('output', { params: { id: appId }, query: { limit: 50 } })).items.length)
      .toBeGreaterThan(20);
    await page.getByRole('tab', { name: 'Output' }).click();
    const log = page.getByTestId('output-log');
    await expect(log.locator('.out-line').first()).toBeVisible();
    const samples = await page.evaluate(sampleViewport, { ...OUTPUT, everyMs: 100, forMs: 5_000 });
    await shot('live-03-output-following');
    expect(samples[0]!.newestInView, `on open: ${JSON.stringify(samples[0])}`).toBe(true);
    const good = samples.filter((s) => s.covered && s.newestInView).length;
    expect(good / samples.length, summary(samples)).toBeGreaterThanOrEqual(0.99);
  });
});
