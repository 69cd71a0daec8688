#!/usr/bin/env node
// `npm run bench:ui`: what watching costs. One `gantry ui` hosting the demo app (2 workers), wrk as the traffic,
// Debian's Chromium on the app's Requests tab. For each rate (about 1k and 3k req/s, and as fast as wrk can):
// the page's frames (fps, p95/p99 frame interval, share of time in long tasks) while following; and, at the max
// rate, the app's req/s with the tab open vs no UI connected, interleaved in the same run: `--rounds` pairs, each
// pair in the other order, each "open" measured once the tab has loaded and settled (steady watching, not page
// start-up). On a shared box single pairs swing by ±30 %, so the verdict is the median of the pairs' ratios with
// its spread (quartiles, range, how many pairs reached 0.9), not one pair or a ratio of medians.
// Usage: node bench/ui.mjs [--seconds S] [--rounds N] [--throughput-only] [--json FILE] [--port P]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { startGantryUi } from './gantry-ui.mjs';
import { chromiumPids, cpuSeconds, descendantPids, reapedChildrenCpuSeconds } from './proc-cpu.mjs';
import { runWrk } from './wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '10' },
    'throughput-only': { type: 'boolean', default: false },
    json: { type: 'string' },
    port: { type: 'string', default: '23201' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const BIND = `127.0.0.1:${args.port}`;
const APP_URL = `http://${BIND}/json`;
const PACED = path.join(ROOT, 'bench/paced.lua');
const CORES = os.availableParallelism();

/**
 * wrk at `rate` for `seconds`, with the Host's CPU per request, the CPU per request of everything that serves and
 * loads it (Host, its workers, wrk) and Chromium's share of a core meanwhile.
 */
async function measured(rate, seconds, hostPid) {
  const chrome = chromiumPids();
  const serving = [String(hostPid), ...descendantPids(hostPid)];
  const host0 = cpuSeconds([hostPid]);
  const serving0 = cpuSeconds(serving) + reapedChildrenCpuSeconds();
  const chrome0 = cpuSeconds(chrome);
  const t0 = Date.now();
  const w = await wrk(rate, seconds);
  const wall = (Date.now() - t0) / 1000;
  const requests = Math.max(1, w.requests ?? w.rps * seconds);
  return {
    ...w,
    hostUsPerReq: ((cpuSeconds([hostPid]) - host0) * 1e6) / requests,
    servingUsPerReq: ((cpuSeconds(serving) + reapedChildrenCpuSeconds() - serving0) * 1e6) / requests,
    chromiumCores: (cpuSeconds(chrome) - chrome0) / wall,
  };
}

/**
 * The throughput ratio the pair's CPU costs predict for a box this bench has to itself, saturated: the app gets
 * the cores Chromium leaves, at the CPU per request it costs with the tab open. Unlike req/s, CPU per request
 * hardly moves with what else the shared box is running.
 */
function modelledRatio(closed, open) {
  return (1 - open.chromiumCores / CORES) * (closed.servingUsPerReq / open.servingUsPerReq);
}

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
        resolve({
          fps: (sorted.length * 1000) / (t - start),
          p95: q(0.95),
          p99: q(0.99),
          longTaskShare: long / (t - start),
          following,
          sampled: document.querySelector('[data-testid="sampled"]')?.textContent ?? null,
        });
      }
    };
    requestAnimationFrame(tick);
  });
}

// Paced: each connection waits 10 ms between requests, so ~100 req/s per connection less the response time.
const RATES = [
  { label: '~1k req/s', wrk: { threads: 1, connections: 12, script: PACED, delayMs: 10 } },
  { label: '~3k req/s', wrk: { threads: 1, connections: 36, script: PACED, delayMs: 10 } },
  { label: 'max', wrk: { threads: 1, connections: 8 } },
];

function wrk(rate, seconds) {
  const o = rate.wrk;
  return runWrk({
    url: o.delayMs ? `${APP_URL}` : APP_URL,
    threads: o.threads,
    connections: o.connections,
    durationS: seconds,
    script: o.script ?? null,
    extra: o.delayMs ? ['--', String(o.delayMs)] : [],
  });
}

const median = (xs) => quantile(xs, 0.5);

/** The q-quantile of xs (linear between the two nearest ranks). */
function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

/** Median, quartiles, range and how many pairs reached the 0.9 target, of the pairs' throughput ratios. */
function ratioSpread(ratios) {
  return {
    median: quantile(ratios, 0.5),
    q1: quantile(ratios, 0.25),
    q3: quantile(ratios, 0.75),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    atLeast90: ratios.filter((r) => r >= 0.9).length,
  };
}

const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-ui-'));
const { child, url, client } = await startGantryUi(home);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model }, seconds: SECONDS, rates: [], throughput: [] };
try {
  const added = await client.call('addApp', {
    body: {
      folder: path.join(ROOT, 'app/examples/hello'),
      name: 'Bench UI',
      detect: false,
      settings: { app: 'hello:application', bind: [BIND], workers: 2 },
    },
  });
  const id = added.app.definition.id;
  await client.call('start', { params: { id } });
  // A context per opening: closing it ends every process of the page, so "no UI" is none at all.
  let context = null;
  let page = null;
  const openTab = async () => {
    if (page) return; // already open
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(`${url}#/apps/${id}/requests`);
    await page.getByTestId('request-table').waitFor();
    // Watching, not starting up: the history page loaded and rendered, then a second of following.
    await page.locator('.requests-tab[data-loaded="true"]').waitFor();
    await new Promise((r) => setTimeout(r, 1000));
  };
  const closeTab = async () => {
    await context?.close();
    context = null;
    page = null;
    // "No UI" means no UI: wait until Chromium (its processes now, including the spare renderer it starts after a
    // tab closes) has gone quiet (at most 10 s).
    for (let i = 0; i < 20; i++) {
      const pids = chromiumPids();
      const before = pids.map((pid) => cpuSeconds([pid]));
      await new Promise((r) => setTimeout(r, 500));
      const busy = pids.reduce((n, pid, k) => n + Math.max(0, cpuSeconds([pid]) - before[k]), 0);
      if (busy < 0.02) break;
    }
  };

  // Frames while following, at each rate.
  await openTab();
  for (const rate of args['throughput-only'] ? [] : RATES) {
    const load = measured(rate, SECONDS + 2, child.pid);
    await new Promise((r) => setTimeout(r, 1000)); // past wrk's ramp-up
    const frames = await page.evaluate(measureFrames, SECONDS * 1000);
    const w = await load;
    results.rates.push({ rate: rate.label, rps: w.rps, hostUsPerReq: w.hostUsPerReq, chromiumCores: w.chromiumCores, ...frames });
    console.log(
      `${rate.label.padEnd(10)} app ${w.rps.toFixed(0).padStart(6)} req/s | ${frames.fps.toFixed(1)} fps, p95 ${frames.p95.toFixed(1)} ms, p99 ${frames.p99.toFixed(1)} ms, long tasks ${(frames.longTaskShare * 100).toFixed(1)} % | Chromium ${(w.chromiumCores * 100).toFixed(0)} % of a core${frames.sampled ? ` | ${frames.sampled}` : ''}`,
    );
  }

  // Throughput with the tab open vs no UI connected, interleaved.
  const max = RATES.at(-1);
  const fmt = (m) =>
    `${m.rps.toFixed(0)} req/s, Host ${m.hostUsPerReq.toFixed(0)} µs CPU/req, Chromium ${(m.chromiumCores * 100).toFixed(0)} % of a core`;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a drift in the box's load favours neither.
    let closed;
    let open;
    if (round % 2 === 0) {
      await closeTab();
      closed = await measured(max, SECONDS, child.pid);
      await openTab();
      open = await measured(max, SECONDS, child.pid);
    } else {
      await openTab();
      open = await measured(max, SECONDS, child.pid);
      await closeTab();
      closed = await measured(max, SECONDS, child.pid);
    }
    results.throughput.push({
      closed: closed.rps,
      open: open.rps,
      closedHostUsPerReq: closed.hostUsPerReq,
      openHostUsPerReq: open.hostUsPerReq,
      openChromiumCores: open.chromiumCores,
      closedServingUsPerReq: closed.servingUsPerReq,
      openServingUsPerReq: open.servingUsPerReq,
      modelledRatio: modelledRatio(closed, open),
    });
    console.log(
      `round ${round + 1}: no UI ${fmt(closed)} | Requests tab open ${fmt(open)} | ratio ${(open.rps / closed.rps).toFixed(2)}, modelled ${modelledRatio(closed, open).toFixed(2)}`,
    );
  }
  const ratios = results.throughput.map((t) => t.open / t.closed);
  const spread = ratioSpread(ratios);
  results.ratio = spread.median;
  results.ratioSpread = spread;
  results.ratioOfMedians = median(results.throughput.map((t) => t.open)) / median(results.throughput.map((t) => t.closed));
  console.log(
    `throughput ratio, tab open / no UI: median of ${ratios.length} pairs ${spread.median.toFixed(3)} (quartiles ${spread.q1.toFixed(2)}–${spread.q3.toFixed(2)}, range ${spread.min.toFixed(2)}–${spread.max.toFixed(2)}, ${spread.atLeast90} of ${ratios.length} pairs ≥ 0.90); ratio of the medians ${results.ratioOfMedians.toFixed(3)}`,
  );
  const modelled = ratioSpread(results.throughput.map((t) => t.modelledRatio));
  results.modelledRatio = modelled;
  console.log(
    `modelled from CPU per request (Host + workers + wrk) and Chromium's share of the ${CORES} cores: median ${modelled.median.toFixed(3)} (quartiles ${modelled.q1.toFixed(2)}–${modelled.q3.toFixed(2)}, range ${modelled.min.toFixed(2)}–${modelled.max.toFixed(2)}); serving CPU per request: no UI ${median(results.throughput.map((t) => t.closedServingUsPerReq)).toFixed(0)} µs, tab open ${median(results.throughput.map((t) => t.openServingUsPerReq)).toFixed(0)} µs`,
  );
  console.log(
    `Host CPU per request: no UI ${median(results.throughput.map((t) => t.closedHostUsPerReq)).toFixed(0)} µs, tab open ${median(results.throughput.map((t) => t.openHostUsPerReq)).toFixed(0)} µs; Chromium ${(median(results.throughput.map((t) => t.openChromiumCores)) * 100).toFixed(0)} % of a core`,
  );
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
