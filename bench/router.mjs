#!/usr/bin/env node
// The Host's router (http://NAME.localhost:PORT → the app's gateway in-process) against the app's own bind,
// in the same run: one Host, one app, wrk alternating between the two URLs so drift on a shared machine
// hits both alike. Target: the router within 10 % of the bind. Besides req/s (which swings by tens of per
// cent on a shared machine), it prints the gateway process's CPU per request (this process hosts the Host,
// the app's gateway and the router), which moves far less and is what the comparison should rest on.
// Usage: node bench/router.mjs [-c 64] [-d 5] [--rounds 3] [--workers 2] [--https]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runWrk } from './wrk.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: o } = parseArgs({
  options: {
    connections: { type: 'string', short: 'c', default: '64' },
    duration: { type: 'string', short: 'd', default: '5' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
  },
});

const { createHost } = await import(path.join(here, '..', 'server-core', 'dist', 'host', 'host.js'));
const home = mkdtempSync(path.join(tmpdir(), 'gantry-bench-router-'));
const host = await createHost({ home, demoFolder: null, router: { httpPort: 0, httpsPort: 0 } });
try {
  await host.addApp({
    folder: path.join(here, 'apps'),
    name: 'bench',
    settings: { app: 'bench_apps:hello', bind: ['127.0.0.1:0'], workers: Number(o.workers), python: '/usr/bin/python3' },
    detect: false,
    importPyproject: false,
  });
  const status = await host.start('bench', 'staging');
  const own = status.urls[0];
  const routerPort = host.router.address.http;
  const routed = `http://127.0.0.1:${routerPort}/`;
  const common = { connections: Number(o.connections), durationS: Number(o.duration), threads: 2 };
  await runWrk({ ...common, url: own, durationS: 2 }); // warm-up
  const rows = [];
  const measured = async (opts) => {
    const c0 = process.cpuUsage();
    const r = await runWrk(opts);
    const c = process.cpuUsage(c0);
    return { ...r, cpuUs: (c.user + c.system) / (r.requests ?? 1) };
  };
  for (let i = 0; i < Number(o.rounds); i++) {
    const a = await measured({ ...common, url: own });
    const b = await measured({ ...common, url: routed, headers: [`Host: bench.localhost:${routerPort}`] });
    if (b.errors.non2xx > 0) throw new Error(`router answered ${b.errors.non2xx} non-2xx responses (is the Host header routed?)`);
    rows.push({ own: a.rps, router: b.rps, ownCpu: a.cpuUs, routerCpu: b.cpuUs });
    console.log(
      `round ${i + 1}: own bind ${a.rps.toFixed(0)} req/s, ${a.cpuUs.toFixed(1)} µs CPU/req (p99 ${a.p99} ms); router ${b.rps.toFixed(0)} req/s, ${b.cpuUs.toFixed(1)} µs CPU/req (p99 ${b.p99} ms)`,
    );
  }
  const sum = (k) => rows.reduce((t, r) => t + r[k], 0);
  const ratio = sum('router') / sum('own');
  const cpu = sum('routerCpu') / sum('ownCpu');
  console.log(
    `router / own bind: throughput ${(ratio * 100).toFixed(1)} % (${ratio >= 0.9 ? 'within' : 'NOT within'} 10 %), gateway CPU per request ${(cpu * 100).toFixed(1)} % (${cpu <= 1.1 ? 'within' : 'NOT within'} 10 %)`,
  );
} finally {
  await host.close();
  rmSync(home, { recursive: true, force: true });
}
