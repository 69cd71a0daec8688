// Metrics from the start: after traffic has run, opening the Metrics tab shows every chart's past (the Host's
// per-second history, memory included), drawn on the canvas, with axes in a sensible range.
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { RATE_WINDOW_SECONDS } from '@gantry/server-core/contract';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { freePort } from '../support/projects';
import { burst } from '../support/traffic';

const FOLDER = path.join(REPO_ROOT, 'server-core/test/fixtures/apps');
// The per-second charts name the window they average over (RATE_WINDOW_SECONDS in the contract).
const RATE = `Requests per second · ${RATE_WINDOW_SECONDS} s average`;
const CLASSES = `Responses per second by status class · ${RATE_WINDOW_SECONDS} s average`;
const CHARTS = [RATE, 'Latency', CLASSES, 'Queue depth and in flight', 'Workers', 'Memory per worker'];

test('the Metrics tab opens on history from before it was opened, memory included', async ({ ui: page, gantry, shot }) => {
  // A free port, not a fixed one: other checkouts' e2e runs on this machine take fixed ports too.
  const BIND = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: {
      folder: FOLDER,
      name: 'Metrics history',
      detect: false,
      settings: { app: 'basic:application', bind: [BIND] },
      profiles: { dev: { workers: 2 } },
    },
  });
  const appId = added.app.definition.id;
  await gantry.api.call('start', { params: { id: appId } });

  // Traffic runs with no Metrics tab open, until the Host holds a few seconds of samples with both workers' memory.
  const history = async () => (await gantry.api.call('metrics', { params: { id: appId }, query: { history: '1' } })).history;
  await expect
    .poll(
      async () => {
        await burst(`http://${BIND}/`, 40, 4);
        return (await history()).filter((s) => Object.keys(s.workerRssBytes).length === 2).length;
      },
      { timeout: 30_000, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(5);
  const firstHeld = (await history())[0]!.time / 1000;

  const openedAt = Date.now() / 1000;
  await page.goto(`${gantry.url}#/apps/${appId}/metrics`);
  for (const title of CHARTS) {
    const chart = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: new RegExp(`^${title}$`) }) });
    await expect(chart, title).toHaveCount(1);
    // Its first sample is the Host's first one, from well before the tab opened.
    await expect(chart, title).toHaveAttribute('data-first', String(firstHeld));
    expect(Number(await chart.getAttribute('data-samples')), title).toBeGreaterThanOrEqual(5);
    expect(firstHeld, title).toBeLessThan(openedAt - 3);
  }

  // What is drawn: the memory chart's lines (pixels in the workers' colours on the canvas; two workers of one
  // app often use the same memory, one line over the other) span the seconds before the tab opened, not a
  // point at the moment of opening: at least 5 % of the width of a plot whose axis spans at least a minute
  // (chart-scales.ts), for the ≥ 4 s of samples held before. (The axes' ranges: chart-scales.test.ts.)
  const memory = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: 'Memory per worker' }) });
  const line = () => paint(memory, ['--chart-1', '--chart-2']);
  await expect.poll(async () => (await line()).count, { timeout: 10_000 }).toBeGreaterThan(10);
  expect((await line()).extent).toBeGreaterThanOrEqual(0.05);
  await shot('metrics-history');

  // With the pointer away from the charts, every legend reads the newest sample (its time, each value with its
  // unit), not the dashes it showed whenever the cursor was elsewhere while the charts held data.
  await page.mouse.move(0, 0);
  const units: Record<string, RegExp> = {
    [RATE]: /^[\d.]+ req\/s$/,
    Latency: /^[\d.]+ ms$/,
    [CLASSES]: /^[\d.]+ \/s$/,
    'Queue depth and in flight': /^\d+$/,
    Workers: /^\d+$/,
    'Memory per worker': /^\d+ MB$/,
  };
  for (const title of CHARTS) {
    const values = page
      .locator('figure.chart', { has: page.locator('figcaption', { hasText: new RegExp(`^${title}$`) }) })
      .locator('.u-legend .u-value');
    await expect(values.first(), title).toHaveText(/^\d\d:\d\d:\d\d$/);
    const all = await values.allTextContents();
    expect(all.length, title).toBeGreaterThan(1);
    for (const v of all.slice(1)) expect(v, `${title}: ${all.join(', ')}`).toMatch(units[title]!);
  }
  await memory.scrollIntoViewIfNeeded();
  await shot('metrics-history-memory');

  // A lone sample draws a visible point. The app is stopped (no live samples arrive), and the history the
  // tab asks for is the server's real answer cut to its newest sample.
  await gantry.api.call('stop', { params: { id: appId } });
  await page.route(/\/api\/apps\/[^/]+\/metrics\?history=1$/, async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { history: unknown[] };
    await route.fulfill({ response: res, json: { ...body, history: body.history.slice(-1) } });
  });
  await page.goto(`${gantry.url}#/apps/${appId}/requests`);
  await page.goto(`${gantry.url}#/apps/${appId}/metrics`);
  const rate = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: RATE }) });
  await expect(rate).toHaveAttribute('data-samples', '1');
  await expect.poll(async () => (await paint(rate, ['--chart-1'])).count, { timeout: 10_000 }).toBeGreaterThan(10);
  // On a minute-wide axis ending just after it: at the right, not alone at the left of a day-long axis.
  expect((await paint(rate, ['--chart-1'])).left).toBeGreaterThan(0.8);
  await shot('metrics-single-sample');
  await page.unroute(/\/api\/apps\/[^/]+\/metrics\?history=1$/);
});

/** Pixels of a chart's canvas in any of these series colours (CSS variables), and how wide they spread. */
function paint(chart: Locator, vars: readonly string[]): Promise<{ count: number; extent: number; left: number }> {
  return chart.evaluate((fig, names) => {
    const canvas = fig.querySelector('canvas')!;
    const colours = names.map((v) => {
      const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(getComputedStyle(fig).getPropertyValue(v).trim())!;
      return [1, 2, 3].map((i) => parseInt(m[i]!, 16)) as [number, number, number];
    });
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    let minX = width;
    let maxX = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (
          data[i + 3]! > 200 &&
          colours.some(([r, g, b]) => Math.abs(data[i]! - r) < 24 && Math.abs(data[i + 1]! - g) < 24 && Math.abs(data[i + 2]! - b) < 24)
        ) {
          count++;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
      }
    }
    return { count, extent: (maxX - minX) / width, left: minX / width };
  }, vars);
}
