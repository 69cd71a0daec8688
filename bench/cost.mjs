#!/usr/bin/env node
// Cost of one request, per process: CPU µs (user/sys) and context switches per request for the server's
// leader, its workers and wrk itself, read from /proc around one wrk run. On a shared, noisy machine
// req/s swings by ±10% from run to run; CPU per request moves far less, so it is what A/B changes use.
// Usage: node bench/cost.mjs [--server gantry] [--app bench_apps:hello] [--path /] [-c 64] [-d 5]
//                            [--threads 1] [--repeat 1] [--script FILE] [--env K=V]... [--gantry-arg=--FLAG=V]...
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { descendants } from './rss.mjs';
import { startServer } from './servers.mjs';
import { spawn } from 'node:child_process';
import { parseWrk, runWrk } from './wrk.mjs';

const { values: o } = parseArgs({
  options: {
    server: { type: 'string', default: 'gantry' },
    app: { type: 'string', default: 'bench_apps:hello' },
    path: { type: 'string', default: '/' },
    connections: { type: 'string', short: 'c', default: '64' },
    duration: { type: 'string', short: 'd', default: '5' },
    workers: { type: 'string', short: 'w', default: '2' },
    threads: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '1' },
    script: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    // More `gantry serve` flags, one per use (A/B of a setting): --gantry-arg=--max-worker-rss=4000
    'gantry-arg': { type: 'string', multiple: true, default: [] },
    brief: { type: 'boolean', default: false },
  },
});
for (const kv of o.env) {
  const i = kv.indexOf('=');
  process.env[kv.slice(0, i)] = kv.slice(i + 1);
}

const TICK_US = 1e6 / 100; // USER_HZ

function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      utime: Number(f[11]),
      stime: Number(f[12]),
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    };
  } catch {
    return null;
  }
}

function ctxSwitches(pid) {
  let vol = 0;
  let invol = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const s = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      vol += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(s)?.[1] ?? 0);
      invol += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(s)?.[1] ?? 0);
    }
  } catch {
    /* gone */
  }
  return { vol, invol };
}

function sample(pids) {
  const m = new Map();
  for (const pid of pids) {
    const s = procStat(pid);
    if (s === null) continue;
    m.set(pid, { ...s, ...ctxSwitches(pid) });
  }
  return m;
}

const server = await startServer(o.server, o.app, {
  workers: Number(o.workers),
  threads: Number(o.threads),
  gthreadThreads: 4,
  extraArgs: o['gantry-arg'],
});
const url = `http://127.0.0.1:${server.port}${o.path}`;
try {
  await runWrk({
    url,
    threads: Math.min(2, Number(o.connections)),
    connections: Number(o.connections),
    durationS: 1,
    script: o.script ?? null,
  });
  for (let r = 0; r < Number(o.repeat); r++) {
    const pids = [server.pid, ...descendants(server.pid)];
    const before = sample(pids);
    const res = await timedWrk(url, Number(o.connections), Number(o.duration), o.script ?? null);
    const after = sample(pids);
    const n = res.requests;
    const rows = [];
    let total = 0;
    for (const [pid, a] of after) {
      const b = before.get(pid);
      if (!b) continue;
      const role = pid === server.pid ? 'leader' : a.comm;
      const us = ((a.utime - b.utime + a.stime - b.stime) * TICK_US) / n;
      total += us;
      rows.push({
        role,
        pid,
        'cpu us/req': us.toFixed(1),
        'user us': (((a.utime - b.utime) * TICK_US) / n).toFixed(1),
        'sys us': (((a.stime - b.stime) * TICK_US) / n).toFixed(1),
        'vcsw/req': ((a.vol - b.vol) / n).toFixed(2),
        'ivcsw/req': ((a.invol - b.invol) / n).toFixed(2),
      });
    }
    rows.push({
      role: 'wrk',
      pid: 0,
      'cpu us/req': ((res.wrkCpuS * 1e6) / n).toFixed(1),
      'user us': '',
      'sys us': '',
      'vcsw/req': '',
      'ivcsw/req': '',
    });
    console.log(
      `${o.server} ${o.app} c=${o.connections}: ${res.rps.toFixed(0)} req/s, p50 ${res.p50}ms p99 ${res.p99}ms, server cpu ${total.toFixed(1)} us/req`,
    );
    if (o.brief) {
      const w = rows.filter((r) => r.role !== 'leader' && r.role !== 'wrk').reduce((a, r) => a + Number(r['cpu us/req']), 0);
      const g = rows.find((r) => r.role === 'leader');
      console.log(
        `  leader ${g['cpu us/req']} (sys ${g['sys us']}, ivcsw ${g['ivcsw/req']}) workers ${w.toFixed(1)} (vcsw ${rows
          .filter((r) => r.role !== 'leader' && r.role !== 'wrk')
          .map((r) => r['vcsw/req'])
          .join('/')}) wrk ${rows.at(-1)['cpu us/req']}`,
      );
    } else console.table(rows);
  }
} finally {
  await server.stop();
}

/** wrk under /usr/bin/time, so its own CPU (the load generator shares these cores) is known too. */
function timedWrk(url, connections, durationS, script) {
  const args = ['-f', 'WRKCPU %U %S', 'wrk', `-t${Math.min(2, connections)}`, `-c${connections}`, `-d${durationS}s`, '--latency'];
  if (script) args.push('-s', script);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', () => {
      const m = /WRKCPU ([\d.]+) ([\d.]+)/.exec(out);
      try {
        resolve({ ...parseWrk(out), wrkCpuS: m ? Number(m[1]) + Number(m[2]) : NaN });
      } catch (e) {
        reject(e);
      }
    });
  });
}
