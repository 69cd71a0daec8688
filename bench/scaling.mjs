#!/usr/bin/env node
// How throughput scales with workers (1, 2, 4) and gateway processes (--gateway-processes 1, 2), hello world,
// wrk -c64 on this machine; gunicorn gthread beside each worker count. Per configuration: req/s, p99, CPU µs
// per request of the gateway side (primary + gateway processes) and of the workers, and the busiest gateway
// process's share of one core — the number that says whether one gateway core is the limit.
// Usage: node bench/scaling.mjs [--workers 1,2,4] [--gateways 1,2] [-d 5] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { descendants } from './rss.mjs';
import { startServer } from './servers.mjs';
import { performance } from 'node:perf_hooks';
import { runWrk } from './wrk.mjs';

const { values: o } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    gateways: { type: 'string', default: '1,2' },
    duration: { type: 'string', short: 'd', default: '5' },
    connections: { type: 'string', short: 'c', default: '64' },
    gunicorn: { type: 'boolean', default: true },
    json: { type: 'string' },
  },
  allowNegative: true,
});

const TICK_US = 1e6 / 100; // USER_HZ

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') };
  } catch {
    return null;
  }
}

/** The server's processes: its leader and every descendant, with their CPU ticks and command lines. */
function processes(root) {
  const out = new Map();
  for (const pid of [root, ...descendants(root)]) {
    const s = stat(pid);
    if (s) out.set(pid, s);
  }
  return out;
}

const isGateway = (s) => /node|gantry: gateway/.test(s.cmd.split('\0')[0] ?? '') || s.cmd.startsWith('gantry: gateway');

async function measure(server, shape) {
  const s = await startServer(server, 'bench_apps:hello', shape);
  const url = `http://127.0.0.1:${s.port}/`;
  try {
    await runWrk({ url, connections: Number(o.connections), durationS: 1 });
    const before = processes(s.pid);
    const t0 = performance.now();
    const r = await runWrk({ url, connections: Number(o.connections), durationS: Number(o.duration) });
    const wallUs = (performance.now() - t0) * 1000;
    const after = processes(s.pid);
    let gateway = 0;
    let workers = 0;
    let busiest = 0;
    for (const [pid, a] of after) {
      const b = before.get(pid);
      if (!b) continue;
      const us = (a.ticks - b.ticks) * TICK_US;
      if (server === 'gantry' && isGateway(a)) {
        gateway += us;
        busiest = Math.max(busiest, us / wallUs);
      } else workers += us;
    }
    const n = r.requests;
    return {
      server,
      ...shape,
      rps: r.rps,
      p99: r.p99,
      gatewayUsPerReq: gateway / n,
      workerUsPerReq: workers / n,
      busiestGatewayCore: busiest,
    };
  } finally {
    await s.stop();
  }
}

const rows = [];
for (const workers of o.workers.split(',').map(Number)) {
  for (const gatewayProcesses of o.gateways.split(',').map(Number)) {
    if (gatewayProcesses > workers) continue;
    rows.push(await measure('gantry', { workers, threads: 1, gthreadThreads: 4, gatewayProcesses }));
    console.error(`measured gantry -w ${workers} --gateway-processes ${gatewayProcesses}`);
  }
  if (o.gunicorn) rows.push(await measure('gunicorn-gthread', { workers, threads: 1, gthreadThreads: 4 }));
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
console.log(`hello world, wrk -t2 -c${o.connections} -d${o.duration}s, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
console.log(
  '| server | workers | gateway processes | req/s | p99 ms | gateway µs/req | workers µs/req | busiest gateway process, % of a core |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const gantry = r.server === 'gantry';
  console.log(
    `| ${r.server} | ${r.workers} | ${gantry ? r.gatewayProcesses : '-'} | ${fmt(r.rps, 0)} | ${fmt(r.p99, 2)} | ${gantry ? fmt(r.gatewayUsPerReq) : '-'} | ${fmt(r.workerUsPerReq)} | ${gantry ? fmt(r.busiestGatewayCore * 100, 0) : '-'} |`,
  );
}
if (o.json)
  writeFileSync(
    o.json,
    JSON.stringify({ cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? null, node: process.version, rows }, null, 2),
  );
