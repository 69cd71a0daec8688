#!/usr/bin/env node
// Where Chromium's CPU goes while the Requests tab follows live traffic, per table update: each Chromium
// thread's CPU from /proc (the renderer's main thread, its compositor and raster threads, the GPU process's
// software compositor…), the page's main-thread time by kind from CDP `Performance.getMetrics` (script, style
// recalculation, layout), and the number of table updates (commits that changed the rows), at a paced rate so
// every variant sees the same traffic.
// To compare builds in one sitting, give each one's bin/gantry.js as a variant: every variant's Host runs at
// once (its own hello app), and the rounds visit them in rotating order.
// Usage: node bench/ui-chromium.mjs [--variant NAME=PATH/bin/gantry.js …] [--seconds S] [--rounds N]
//        [--connections C] [--delay MS] [--port P] [--json FILE] [--trace FILE]
// --trace records a Chromium trace (devtools.timeline) during each variant's first round, writes it to
// FILE.NAME.json (open it in the DevTools Performance panel) and prints self time per update by event and thread.
// --js-profile does the same with the page's JavaScript (CDP Profiler → FILE.NAME.cpuprofile, top functions).
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
const { values: args } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [] },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '12' },
    delay: { type: 'string', default: '10' },
    port: { type: 'string', default: '24210' },
    json: { type: 'string' },
    trace: { type: 'string' },
    'js-profile': { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const variants = (args.variant.length > 0 ? args.variant : [`this=${path.join(ROOT, 'server-core/bin/gantry.js')}`]).map((v, i) => {
  const [name, bin] = v.split('=');
  return { name, bin, port: Number(args.port) + i, samples: [] };
});

/* global PerformanceObserver, MutationObserver, document, window */
/** In the page: count the commits that changed the table's rows from now on. */
function countUpdates() {
  const body = document.querySelector('.req-body');
  window.__updates = 0;
  window.__longTasks = 0;
  new MutationObserver(() => window.__updates++).observe(body, { childList: true, attributes: true, subtree: true });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__longTasks += e.duration;
  }).observe({ type: 'longtask' });
}

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'viz', 'toplevel'];

const METRICS = ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'TaskDuration', 'RecalcStyleCount', 'LayoutCount'];

/** Self time (ms) per function in a CDP CPU profile, largest first. */
function topFunctions(profile, top) {
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++)
    dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const self = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const name = `${f.functionName || '(anonymous)'}${f.url ? `@${f.url.split('/').pop()}:${f.lineNumber}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
}

async function metrics(cdp) {
  const { metrics: m } = await cdp.send('Performance.getMetrics');
  const out = {};
  for (const { name, value } of m) if (METRICS.includes(name) || name === 'Nodes') out[name] = value;
  return out;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const homes = [];
try {
  for (const v of variants) {
    const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-uicost-'));
    homes.push(home);
    process.env.GANTRY_BIN = v.bin;
    Object.assign(v, await startGantryUi(home));
    const added = await v.client.call('addApp', {
      body: {
        folder: path.join(ROOT, 'app/examples/hello'),
        name: `Bench ${v.name}`,
        detect: false,
        settings: { app: 'hello:application', bind: [`127.0.0.1:${v.port}`], workers: 2 },
      },
    });
    v.id = added.app.definition.id;
    await v.client.call('start', { params: { id: v.id } });
  }

  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length];
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${v.url}#/apps/${v.id}/requests`);
      await page.getByTestId('request-table').waitFor();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const load = runWrk({
        url: `http://127.0.0.1:${v.port}/json`,
        threads: 1,
        connections: Number(args.connections),
        durationS: SECONDS + 2,
        script: Number(args.delay) > 0 ? path.join(ROOT, 'bench/paced.lua') : null,
        extra: Number(args.delay) > 0 ? ['--', args.delay] : [],
      });
      await new Promise((r) => setTimeout(r, 1500)); // past wrk's ramp-up and the first rows
      await page.evaluate(countUpdates);
      const pids = chromiumPids();
      const t0 = threadTicks(pids);
      const c0 = cpuSeconds(pids);
      const tracing = args.trace && round === 0;
      if (tracing) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const profiling = args['js-profile'] && round === 0;
      if (profiling) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const m0 = await metrics(cdp);
      const w0 = Date.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const wall = (Date.now() - w0) / 1000;
      const m1 = await metrics(cdp);
      const trace = tracing ? await browser.stopTracing() : null;
      const profile = profiling ? (await cdp.send('Profiler.stop')).profile : null;
      const c1 = cpuSeconds(pids);
      const threads = threadDelta(t0, threadTicks(pids));
      const { updates, longTasks, following } = await page.evaluate(() => ({
        updates: window.__updates,
        longTasks: window.__longTasks,
        following: document.querySelector('[data-testid="request-table"]')?.getAttribute('data-following'),
      }));
      const w = await load;
      await context.close();
      const per = (x) => (x * 1000) / Math.max(1, updates);
      const s = {
        rps: w.rps,
        following,
        updatesPerS: updates / wall,
        chromiumCores: (c1 - c0) / wall,
        cpuMsPerUpdate: per(c1 - c0),
        scriptMsPerUpdate: per(m1.ScriptDuration - m0.ScriptDuration),
        styleMsPerUpdate: per(m1.RecalcStyleDuration - m0.RecalcStyleDuration),
        layoutMsPerUpdate: per(m1.LayoutDuration - m0.LayoutDuration),
        taskMsPerUpdate: per(m1.TaskDuration - m0.TaskDuration),
        layoutsPerUpdate: (m1.LayoutCount - m0.LayoutCount) / Math.max(1, updates),
        stylesPerUpdate: (m1.RecalcStyleCount - m0.RecalcStyleCount) / Math.max(1, updates),
        nodes: m1.Nodes,
        longTaskShare: longTasks / (wall * 1000),
        threads: threads.slice(0, 8).map(([name, sec]) => [name, sec / wall]),
      };
      v.samples.push(s);
      console.log(
        `round ${round + 1} ${v.name.padEnd(8)} app ${w.rps.toFixed(0)} req/s, ${s.updatesPerS.toFixed(1)} updates/s, following ${following} | ` +
          `Chromium ${(s.chromiumCores * 100).toFixed(1)} % of a core = ${s.cpuMsPerUpdate.toFixed(1)} ms CPU/update; main thread per update: ` +
          `task ${s.taskMsPerUpdate.toFixed(2)}, script ${s.scriptMsPerUpdate.toFixed(2)}, style ${s.styleMsPerUpdate.toFixed(2)} (${s.stylesPerUpdate.toFixed(1)}×), ` +
          `layout ${s.layoutMsPerUpdate.toFixed(2)} ms (${s.layoutsPerUpdate.toFixed(1)}×); ${s.nodes} DOM nodes`,
      );
      console.log(`           threads (% of a core): ${s.threads.map(([n, c]) => `${n} ${(c * 100).toFixed(1)}`).join(', ')}`);
      if (profile) {
        writeFileSync(`${args['js-profile']}.${v.name}.cpuprofile`, JSON.stringify(profile));
        console.log(`           JavaScript, self ms per update (${args['js-profile']}.${v.name}.cpuprofile):`);
        console.log(
          `             ${topFunctions(profile, 25)
            .map(([n, ms]) => `${n} ${(ms / Math.max(1, updates)).toFixed(2)}`)
            .join(', ')}`,
        );
      }
      if (trace) {
        writeFileSync(`${args.trace}.${v.name}.json`, trace);
        console.log(`           trace, self ms per update (${args.trace}.${v.name}.json):`);
        for (const [thread, rows] of summariseTrace(JSON.parse(trace.toString()), 12)) {
          console.log(`             ${thread}: ${rows.map(([n, ms]) => `${n} ${(ms / Math.max(1, updates)).toFixed(2)}`).join(', ')}`);
        }
      }
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log('\nmedians over the rounds:');
  for (const v of variants) {
    const m = (k) => median(v.samples.map((s) => s[k]));
    console.log(
      `${v.name.padEnd(8)} Chromium ${(m('chromiumCores') * 100).toFixed(1)} % of a core, ${m('updatesPerS').toFixed(1)} updates/s, ${m('cpuMsPerUpdate').toFixed(1)} ms CPU/update; ` +
        `main thread/update: task ${m('taskMsPerUpdate').toFixed(2)}, script ${m('scriptMsPerUpdate').toFixed(2)}, style ${m('styleMsPerUpdate').toFixed(2)}, layout ${m('layoutMsPerUpdate').toFixed(2)} ms; ${m('nodes')} nodes`,
    );
  }
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify(
        variants.map(({ name, bin, samples }) => ({ name, bin, samples })),
        null,
        2,
      ),
    );
} finally {
  await browser.close();
  for (const v of variants) {
    if (!v.child) continue;
    v.child.kill('SIGTERM');
    await new Promise((r) => v.child.once('exit', r));
  }
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}
