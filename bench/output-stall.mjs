#!/usr/bin/env node
// How long one app writing a lot to stderr without newlines pauses the gateway (issue 12): the gateway
// runs in this process (as with `gantry serve`), with 2 workers; one writes --mb MiB on fd 2 in 64 KiB
// writes while GET / runs back to back on the other. Prints, per round, the spew's duration, the slowest
// ping and the event loop's longest pause (monitorEventLoopDelay) — and a baseline round in which the
// worker sleeps as long instead. Add node's --trace-gc to see which pauses are mark-compact collections.
// Usage: npm run build -w server-core && node bench/output-stall.mjs [--mb 50] [--rounds 3] [--dist DIR]
// (--dist: another build of server-core/dist, to compare two versions on the same machine.)
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '50' }, rounds: { type: 'string', default: '3' }, dist: { type: 'string' } },
});
const dist = values.dist ? pathToFileURL(values.dist.replace(/\/?$/, '/')) : new URL('../server-core/dist/', import.meta.url);
const { defaultSettings, mergeSettings } = await import(new URL('config/settings.js', dist).href);
const { createAppRuntime } = await import(new URL('runtime/app-runtime.js', dist).href);
const chdir = fileURLToPath(new URL('../server-core/test/fixtures/apps/', import.meta.url));

const runtime = createAppRuntime(
  mergeSettings(defaultSettings(), { app: 'basic:application', chdir, bind: ['127.0.0.1:0'], python: 'python3', workers: 2 }),
  {},
);
runtime.on('output', () => {});
await runtime.start();
const url = runtime.status().urls[0];
const get = (path) =>
  new Promise((resolve, reject) =>
    request(url + path, (r) => {
      r.resume();
      r.on('end', () => resolve(r.statusCode));
    })
      .on('error', reject)
      .end(),
  );

async function round(label, path) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let running = true;
  let pings = 0;
  let slowest = 0;
  const pinger = (async () => {
    while (running) {
      const t = performance.now();
      await get('/');
      slowest = Math.max(slowest, performance.now() - t);
      pings++;
    }
  })();
  const t0 = performance.now();
  const status = await get(path);
  const ms = performance.now() - t0;
  running = false;
  await pinger;
  loop.disable();
  console.log(
    `${label}: ${ms.toFixed(0)} ms (status ${status}), ${pings} pings, slowest ${slowest.toFixed(1)} ms; event loop max ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`,
  );
  return ms;
}

await get('/');
for (let i = 0; i < Number(values.rounds); i++) {
  const ms = await round(`spew ${values.mb} MiB on fd 2`, `/spew?mb=${values.mb}&to=fd&end=%0A`);
  await round('baseline (a request as long, no output)', `/slow?ms=${Math.round(ms)}`);
}
await runtime.stop({ graceful: false });
