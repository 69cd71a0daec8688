#!/usr/bin/env node
// Request headers are kept once, in the primary, with `--gateway-processes N`: how much each gateway process's
// RSS grows while it serves requests with large headers, through the app runtime the Host builds (headers kept
// for the drawer). A gateway process that kept its own copy grew by its 16 MB header budget on top.
// Usage: node bench/gateway-headers.mjs [--requests 6000] [--header-bytes 6000] [--root DIR]
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { descendants } from './rss.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '6000' },
    'header-bytes': { type: 'string', default: '6000' },
    // Another checkout's built server-core, to measure before and after a change side by side.
    root: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
  },
});
const requests = Number(values.requests);
const dist = join(values.root, 'server-core', 'dist');
const { createAppRuntime } = await import(join(dist, 'runtime', 'app-runtime.js'));
const { defaultSettings, mergeSettings } = await import(join(dist, 'config', 'settings.js'));

const settings = mergeSettings(defaultSettings(), {
  app: 'basic:application',
  chdir: join(values.root, 'server-core', 'test', 'fixtures', 'apps'),
  bind: ['127.0.0.1:0'],
  python: 'python3',
  workers: 2,
  gatewayProcesses: 2,
});
const runtime = createAppRuntime(settings, { processStats: false });
await runtime.start();
const url = runtime.status().urls[0];

const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const gateways = descendants(process.pid).filter((pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('gantry: gateway');
  } catch {
    return false;
  }
});
// A new connection per request, so the primary deals them to every gateway process.
const get = (i) =>
  new Promise((resolve, reject) => {
    const headers = { 'X-Pad': 'p'.repeat(Number(values['header-bytes'])), 'X-Request-ID': `h${i}` };
    request(url, { agent: false, headers }, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end();
  });

for (let i = 0; i < 200; i++) await get(-i - 1); // warm up: JIT, buffers
const before = gateways.map(rssMb);
for (let i = 0; i < requests; i += 8) await Promise.all(Array.from({ length: 8 }, (_, k) => get(i + k)));
const after = gateways.map(rssMb);
await runtime.stop({ graceful: false });
for (const [i, pid] of gateways.entries())
  console.log(`gateway process ${pid}: ${before[i].toFixed(1)} → ${after[i].toFixed(1)} MB (+${(after[i] - before[i]).toFixed(1)})`);
