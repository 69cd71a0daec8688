#!/usr/bin/env node
// Where watching costs CPU, by taking the page apart: the same `gantry ui` (demo hello app, 2 workers) and the same
// load (wrk, 8 connections, as fast as it goes: the stream is sampled to the UI's rate), with the browser in one
// state per scenario, the scenarios interleaved round by round:
//   none       no page at all (Chromium quiet): the Host's CPU per request without a UI
//   idle       the Requests tab open, no traffic at all (timers, polling, animations: what is left)
//   follow     the Requests tab following (what bench/ui.mjs measures)
//   paused     the Requests tab, paused (the stream only counts)
//   hidden     the Requests tab with the page hidden (visibilityState, as a minimised window: counts only)
//   settings   the app's Settings tab (the detail screen's stream without a table)
//   stream     no browser: a plain HTTP client reads the stream the Requests tab asks for (rows, sampled to 1,000/s,
//              by column, batched) and throws it away: what the Host pays to serve a watcher, without Chromium
// Per scenario: Chromium's share of a core (all processes, /proc), its busiest threads, the Host's CPU per request
// and the app's req/s. Usage: node bench/ui-where.mjs [--scenario NAME …] [--seconds S] [--rounds N] [--port P]
// [--json FILE] [--trace FILE] (a Chromium trace in each scenario's first round: FILE.SCENARIO.json, self time per
// second by event and thread). CPU shares, not req/s, are the readings to compare on a shared box.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { startGantryUi } from './gantry-ui.mjs';
import { chromiumPids, cpuSeconds, threadDelta, threadTicks } from './proc-cpu.mjs';
import { summariseTrace } from './trace-summary.mjs';
import { runWrk } from './wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['none', 'idle', 'follow', 'paused', 'hidden', 'settings', 'stream'];
const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true, default: [] },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    port: { type: 'string', default: '24120' },
    json: { type: 'string' },
    trace: { type: 'string' },
  },
});
const SCENARIOS = args.scenario.length ? args.scenario : ALL;
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const BIND = `127.0.0.1:${args.port}`;

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'viz', 'toplevel'];

/* global document, Event */
/** In the page: say it is hidden, as a minimised window or a background tab would (use-page-visible.ts). */
function hide() {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Reads an event stream and discards it (abort() ends it). */
function readStream(streamUrl) {
  const ctrl = new AbortController();
  void fetch(streamUrl, { headers: { authorization: `Bearer ${token}` }, signal: ctrl.signal })
    .then(async (res) => {
      if (!res.ok) throw new Error(`events: HTTP ${res.status}`);
      for await (const chunk of res.body) void chunk;
    })
    .catch((e) => {
      if (!ctrl.signal.aborted) console.error(e);
    });
  return ctrl;
}

async function quiet() {
  // Until Chromium's processes have gone quiet after a context closed (at most 10 s).
  for (let i = 0; i < 20; i++) {
    const pids = chromiumPids();
    const before = cpuSeconds(pids);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuSeconds(pids) - before < 0.02) break;
  }
}

const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-uiwhere-'));
const { child, url, origin, token, client } = await startGantryUi(home);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const samples = new Map(SCENARIOS.map((s) => [s, []]));
try {
  const added = await client.call('addApp', {
    body: {
      folder: path.join(ROOT, 'app/examples/hello'),
      name: 'Bench UI where',
      detect: false,
      settings: { app: 'hello:application', bind: [BIND], workers: 2 },
    },
  });
  const id = added.app.definition.id;
  await client.call('start', { params: { id } });

  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < SCENARIOS.length; k++) {
      const scenario = SCENARIOS[(round + k) % SCENARIOS.length];
      let context = null;
      let page = null;
      let reader = null;
      if (scenario === 'stream')
        reader = readStream(
          `${origin}/api/events?apps=${id}&types=access,app-event,metrics,dropped&batch=1&maxRate=1000&access=rows&columns=1&minIntervalMs=200`,
        );
      else if (scenario !== 'none') {
        context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        page = await context.newPage();
        const tab = scenario === 'settings' ? 'settings' : 'requests';
        await page.goto(`${url}#/apps/${id}/${tab}`);
        if (tab === 'requests') {
          await page.locator('.requests-tab[data-loaded="true"]').waitFor();
          if (scenario === 'paused') await page.getByTestId('pause').click();
          if (scenario === 'hidden') await page.evaluate(hide);
        } else await page.getByRole('tabpanel').first().waitFor();
      }
      await new Promise((r) => setTimeout(r, 1000)); // settled
      const load =
        scenario === 'idle'
          ? null
          : runWrk({ url: `http://${BIND}/`, threads: 1, connections: 8, durationS: SECONDS + 2, script: null, extra: [] });
      await new Promise((r) => setTimeout(r, 1000)); // past wrk's ramp-up
      const pids = chromiumPids();
      const t0 = threadTicks(pids);
      const c0 = cpuSeconds(pids);
      const h0 = cpuSeconds([child.pid]);
      const tracing = args.trace && page && round === 0;
      if (tracing) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const w0 = Date.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const wall = (Date.now() - w0) / 1000;
      const trace = tracing ? await browser.stopTracing() : null;
      const chromiumCores = (cpuSeconds(pids) - c0) / wall;
      const hostCores = (cpuSeconds([child.pid]) - h0) / wall;
      const threads = threadDelta(t0, threadTicks(pids)).slice(0, 6);
      const w = load ? await load : null;
      const rps = w ? w.rps : 0;
      const s = {
        rps,
        chromiumCores,
        hostCores,
        hostUsPerReq: rps ? (hostCores * 1e6) / rps : 0,
        threads: threads.map(([n, c]) => [n, c / wall]),
      };
      samples.get(scenario).push(s);
      console.log(
        `round ${round + 1} ${scenario.padEnd(8)} app ${rps.toFixed(0).padStart(5)} req/s | Chromium ${(chromiumCores * 100).toFixed(1)} % of a core | Host ${(hostCores * 100).toFixed(0)} % of a core${rps ? `, ${s.hostUsPerReq.toFixed(0)} µs/req` : ''} | ${s.threads.map(([n, c]) => `${n} ${(c * 100).toFixed(1)}`).join(', ')}`,
      );
      if (trace) {
        writeFileSync(`${args.trace}.${scenario}.json`, trace);
        console.log(`           trace, self ms per second (${args.trace}.${scenario}.json):`);
        for (const [thread, rows] of summariseTrace(JSON.parse(trace.toString()), 12))
          console.log(`             ${thread}: ${rows.map(([n, ms]) => `${n} ${(ms / wall).toFixed(2)}`).join(', ')}`);
      }
      await context?.close();
      if (context) await quiet();
      reader?.abort();
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log('\nmedians over the rounds:');
  for (const [scenario, ss] of samples) {
    const m = (k) => median(ss.map((s) => s[k]));
    console.log(
      `${scenario.padEnd(8)} Chromium ${(m('chromiumCores') * 100).toFixed(1)} % of a core | app ${m('rps').toFixed(0)} req/s | Host ${m('hostUsPerReq').toFixed(0)} µs/req`,
    );
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(Object.fromEntries(samples), null, 2));
} finally {
  await browser.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
