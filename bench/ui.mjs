#!/usr/bin/env node
// `npm run bench:ui`: what watching costs. One `gantry ui` hosting the demo app (2 workers), wrk as the traffic,
// Debian's Chromium on the app's Requests tab. For each rate (about 1k and 3k req/s, and as fast as wrk can):
// the page's frames (fps, p95/p99 frame interval, share of time in long tasks) while following; and, at the max
// rate, the app's req/s with the tab open vs no UI connected, interleaved in the same run.
// Usage: node bench/ui.mjs [--seconds S] [--rounds N] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { startGantryUi } from './gantry-ui.mjs';
import { runWrk } from './wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '6' }, rounds: { type: 'string', default: '3' }, json: { type: 'string' }, port: { type: 'string', default: '23201' } } });
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const BIND = `127.0.0.1:${args.port}`;
const APP_URL = `http://${BIND}/json`;
const PACED = path.join(ROOT, 'bench/paced.lua');

/** In the page: frame intervals and long tasks over `ms`. */
/* global PerformanceObserver, requestAnimationFrame, document */
function measureFrames(ms) {
  return new Promise((resolve) => {
    const intervals = [];
    let long = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long += e.duration;
    });
    obs.observe({ type: 'longtask', buffered: false });
    const start = performance.now();
    let last = start;
    const tick = (t) => {
      intervals.push(t - last);
      last = t;
      if (t - start < ms) requestAnimationFrame(tick);
      else {
        obs.disconnect();
        const sorted = intervals.slice(1).sort((a, b) => a - b);
        const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
        const following = document.querySelector('[data-testid="request-table"]')?.getAttribute('data-following');
        resolve({ fps: (sorted.length * 1000) / (t - start), p95: q(0.95), p99: q(0.99), longTaskShare: long / (t - start), following, sampled: document.querySelector('[data-testid="sampled"]')?.textContent ?? null });
      }
    };
    requestAnimationFrame(tick);
  });
}

const RATES = [
  { label: '~1k req/s', wrk: { threads: 1, connections: 10, script: PACED, delayMs: 10 } },
  { label: '~3k req/s', wrk: { threads: 1, connections: 30, script: PACED, delayMs: 10 } },
  { label: 'max', wrk: { threads: 1, connections: 8 } },
];

function wrk(rate, seconds) {
  const o = rate.wrk;
  return runWrk({ url: o.delayMs ? `${APP_URL}` : APP_URL, threads: o.threads, connections: o.connections, durationS: seconds, script: o.script ?? null, extra: o.delayMs ? ['--', String(o.delayMs)] : [] });
}

const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-ui-'));
const { child, url, client } = await startGantryUi(home);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model }, seconds: SECONDS, rates: [], throughput: [] };
try {
  const added = await client.call('addApp', { body: { folder: path.join(ROOT, 'app/examples/hello'), name: 'Bench UI', detect: false, settings: { app: 'hello:application', bind: [BIND], workers: 2 } } });
  const id = added.app.definition.id;
  await client.call('start', { params: { id } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let page = null;
  const openTab = async () => {
    page = await context.newPage();
    await page.goto(`${url}#/apps/${id}/requests`);
    await page.getByTestId('request-table').waitFor();
  };
  const closeTab = async () => {
    await page?.close();
    page = null;
  };

  // Frames while following, at each rate.
  await openTab();
  for (const rate of RATES) {
    const load = wrk(rate, SECONDS + 2);
    await new Promise((r) => setTimeout(r, 1000)); // past wrk's ramp-up
    const frames = await page.evaluate(measureFrames, SECONDS * 1000);
    const w = await load;
    results.rates.push({ rate: rate.label, rps: w.rps, ...frames });
    console.log(`${rate.label.padEnd(10)} app ${w.rps.toFixed(0).padStart(6)} req/s | ${frames.fps.toFixed(1)} fps, p95 ${frames.p95.toFixed(1)} ms, p99 ${frames.p99.toFixed(1)} ms, long tasks ${(frames.longTaskShare * 100).toFixed(1)} %${frames.sampled ? ` | ${frames.sampled}` : ''}`);
  }

  // Throughput with the tab open vs no UI connected, interleaved.
  const max = RATES.at(-1);
  for (let round = 0; round < ROUNDS; round++) {
    await closeTab();
    const closed = await wrk(max, SECONDS);
    await openTab();
    const open = await wrk(max, SECONDS);
    results.throughput.push({ closed: closed.rps, open: open.rps });
    console.log(`round ${round + 1}: no UI ${closed.rps.toFixed(0)} req/s, Requests tab open ${open.rps.toFixed(0)} req/s (ratio ${(open.rps / closed.rps).toFixed(2)})`);
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(results.throughput.map((t) => t.open)) / median(results.throughput.map((t) => t.closed));
  results.ratio = ratio;
  console.log(`throughput ratio (median open / median closed): ${ratio.toFixed(3)}`);
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
