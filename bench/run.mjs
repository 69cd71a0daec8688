#!/usr/bin/env node
// `npm run bench`: Gantry vs gunicorn (sync, gthread) vs uWSGI (--http-socket) on the same apps,
// with the same worker count, loaded one server at a time by wrk on this machine. Prints one table.
// Usage: node bench/run.mjs [--quick] [--duration S] [--warmup S] [--json FILE]
//                           [--servers gantry,uwsgi,...] [--workloads hello,flask-json,...]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatMemory, measureAll } from './memory.mjs';
import { sampler, snapshot } from './rss.mjs';
import { BENCH_DIR, SERVERS, startServer, SYSTEM_PYTHON } from './servers.mjs';
import { runWrk } from './wrk.mjs';

const WORKERS = 2;
const HELLO = 'Hello, World!';
const ECHO_BODY = 'x'.repeat(10240); // the same body post10k.lua sends

/** What each workload serves, how it is loaded, and how one request proves the server is correct. */
const WORKLOADS = {
  hello: {
    label: 'hello world',
    app: 'bench_apps:hello',
    path: '/',
    shape: { workers: WORKERS, threads: 1, gthreadThreads: 4 },
    connections: 64,
    check: async (url) => expectBody(await fetch(url), HELLO),
  },
  'flask-json': {
    label: 'Flask JSON',
    app: 'flaskjson:app',
    path: '/json',
    shape: { workers: WORKERS, threads: 1, gthreadThreads: 4 },
    connections: 64,
    check: async (url) => expectBody(await fetch(url), '{"message":"Hello, World!"}', (t) => JSON.stringify(JSON.parse(t))),
  },
  'post-echo-10k': {
    label: 'POST echo 10 KB',
    app: 'bench_apps:echo',
    path: '/echo',
    script: join(BENCH_DIR, 'post10k.lua'),
    shape: { workers: WORKERS, threads: 1, gthreadThreads: 4 },
    connections: 64,
    check: async (url) =>
      expectBody(await fetch(url, { method: 'POST', body: ECHO_BODY, headers: { 'content-type': 'application/octet-stream' } }), ECHO_BODY),
  },
  'sleep-10ms': {
    label: '10 ms sleep, 2x32 threads',
    app: 'bench_apps:sleep',
    path: '/',
    // gunicorn sync has no threads: it cannot run this shape.
    shape: { workers: WORKERS, threads: 32, gthreadThreads: 32 },
    connections: 256,
    ideal: (WORKERS * 32) / 0.01,
    check: async (url) => expectBody(await fetch(url), HELLO),
  },
  'download-100m': {
    label: '100 MiB download, 1 conn',
    app: 'bench_apps:download',
    path: '/',
    shape: { workers: WORKERS, threads: 1, gthreadThreads: 4 },
    connections: 1,
    wrkThreads: 1,
    payloadBytes: 100 * 1024 * 1024,
    check: async (url) => {
      const res = await fetch(url);
      const n = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200 || n !== 100 * 1024 * 1024) throw new Error(`status ${res.status}, ${n} bytes`);
    },
  },
  'upload-100m': {
    label: '100 MiB upload, 1 conn',
    app: 'bench_apps:upload',
    path: '/upload',
    script: join(BENCH_DIR, 'upload100m.lua'),
    shape: { workers: WORKERS, threads: 1, gthreadThreads: 4 },
    connections: 1,
    wrkThreads: 1,
    payloadBytes: 100 * 1024 * 1024,
    check: async (url) => expectBody(await fetch(url, { method: 'POST', body: Buffer.alloc(1 << 20, 117) }), String(1 << 20)),
  },
};

async function expectBody(res, expected, normalise = (t) => t) {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 200)}`);
  if (normalise(text) !== expected) throw new Error(`unexpected body: ${text.slice(0, 200)}`);
}

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    json: { type: 'string' },
    servers: { type: 'string', default: Object.keys(SERVERS).join(',') },
    workloads: { type: 'string', default: Object.keys(WORKLOADS).join(',') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log('node bench/run.mjs [--quick] [--duration S] [--warmup S] [--json FILE] [--servers LIST] [--workloads LIST]');
  console.log(`servers: ${Object.keys(SERVERS).join(', ')}\nworkloads: ${Object.keys(WORKLOADS).join(', ')}`);
  process.exit(0);
}
const durationS = Number(opts.duration ?? (opts.quick ? 3 : 10));
const warmupS = Number(opts.warmup ?? (opts.quick ? 1 : 3));
const serverKeys = opts.servers.split(',').filter(Boolean);
const workloadKeys = opts.workloads.split(',').filter(Boolean);
for (const k of serverKeys) if (!SERVERS[k]) die(`unknown server ${k}`);
for (const k of workloadKeys) if (!WORKLOADS[k]) die(`unknown workload ${k}`);
if (spawnSync('wrk', ['-v']).error) die('wrk is not installed (apt-get install wrk)');

function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

const results = [];
for (const wk of workloadKeys) {
  const w = WORKLOADS[wk];
  for (const sk of serverKeys) {
    const spec = SERVERS[sk];
    const row = { workload: wk, server: sk, app: w.app, shape: w.shape, connections: w.connections };
    results.push(row);
    const missing = spec.available();
    if (missing) {
      row.skipped = missing;
      console.error(`[${wk}] ${sk}: SKIPPED: ${missing}`);
      continue;
    }
    if (spec.supports && !spec.supports(w.shape)) {
      row.skipped = 'cannot run this concurrency shape';
      continue;
    }
    let server;
    try {
      server = await startServer(sk, w.app, w.shape);
    } catch (e) {
      row.error = `start: ${e.message.split('\n')[0]}`;
      console.error(`[${wk}] ${sk}: ${e.message}`);
      continue;
    }
    const url = `http://127.0.0.1:${server.port}${w.path}`;
    try {
      await w.check(url);
      row.rssIdle = snapshot(server.pid);
      const wrkOpts = { url, connections: w.connections, threads: w.wrkThreads ?? 2, script: w.script };
      await runWrk({ ...wrkOpts, durationS: warmupS });
      const rss = sampler(server.pid);
      const r = await runWrk({ ...wrkOpts, durationS });
      row.rssPeak = rss.stop();
      Object.assign(row, r);
      if (w.payloadBytes) row.mbPerS = (r.rps * w.payloadBytes) / 1e6;
      if (w.ideal) row.ofIdeal = r.rps / w.ideal;
      console.error(
        `[${wk}] ${sk}: ${r.rps.toFixed(0)} req/s, p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)}${errorsText(r.errors) ? `, errors ${errorsText(r.errors)}` : ''}`,
      );
    } catch (e) {
      row.error = e.message.split('\n')[0];
      console.error(`[${wk}] ${sk}: FAILED: ${e.message}`);
    } finally {
      const stopped = await server.stop();
      if (stopped.forced) row.stopForced = true;
    }
  }
}

function errorsText(e) {
  if (!e) return '';
  const parts = Object.entries(e)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.join(', ');
}

function fmtMs(ms) {
  if (ms == null) return '-';
  return ms < 1 ? `${(ms * 1000).toFixed(0)}us` : `${ms.toFixed(2)}ms`;
}

// One table: each row's req/s and latency, and Gantry's throughput as a multiple of that row's.
const header = ['workload', 'server', 'req/s', 'MB/s', 'p50', 'p99', 'errors', 'RSS MB leader/all', 'gantry x', 'note'];
const rows = results.map((r) => {
  const gantry = results.find((g) => g.workload === r.workload && g.server === 'gantry' && g.rps);
  const ratio = gantry && r.rps && r.server !== 'gantry' ? `${(gantry.rps / r.rps).toFixed(2)}x` : '';
  const rss = r.rssPeak ? `${r.rssPeak.leaderMB.toFixed(0)}/${r.rssPeak.totalMB.toFixed(0)}` : '-';
  const notes = [];
  if (r.skipped) notes.push(`skipped: ${r.skipped}`);
  if (r.error) notes.push(`error: ${r.error}`);
  if (r.stopForced) notes.push('did not stop on SIGTERM within 20 s (killed)');
  if (r.ofIdeal) notes.push(`${(r.ofIdeal * 100).toFixed(0)}% of ideal ${WORKLOADS[r.workload].ideal}/s`);
  // uWSGI's --http-socket answers HTTP/1.0-style and closes each connection; wrk counts each close
  // as a read error although the response arrived. Not a failed request.
  if (r.server === 'uwsgi' && r.errors?.read) notes.push('read errors = uWSGI closing each connection');
  const note = notes.join('; ');
  return [
    WORKLOADS[r.workload].label,
    SERVERS[r.server].label,
    r.rps ? r.rps.toFixed(r.rps < 100 ? 1 : 0) : '-',
    r.mbPerS ? r.mbPerS.toFixed(0) : '',
    fmtMs(r.p50),
    fmtMs(r.p99),
    errorsText(r.errors) || (r.rps ? '0' : '-'),
    rss,
    ratio,
    note,
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(
  `\nGantry benchmark: ${WORKERS} workers each, wrk -t2 (-t1 for 1 connection), ${durationS}s runs after ${warmupS}s warm-up, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
);
console.log(
  'RSS: peak resident MB during the measured run, of the leader (gantry gateway / gunicorn arbiter / uWSGI master) and of all its processes.',
);
console.log(line(header));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));

// Idle memory of gantry's gateway and workers against a bare interpreter with the app imported (bench/memory.mjs).
let memory = null;
if (serverKeys.includes('gantry') && !SERVERS.gantry.available()) {
  memory = await measureAll();
  console.log(`\n${formatMemory(memory)}`);
}

if (opts.json) {
  const python =
    spawnSync(
      SYSTEM_PYTHON,
      ['-c', 'import sys, gunicorn, flask; print(sys.version.split()[0], gunicorn.__version__, flask.__version__)'],
      { encoding: 'utf8' },
    )
      .stdout?.trim()
      .split(' ') ?? [];
  const uwsgi = spawnSync('uwsgi', ['--version'], { encoding: 'utf8' }).stdout?.trim();
  writeFileSync(
    opts.json,
    JSON.stringify(
      {
        version: 1,
        date: new Date().toISOString(),
        cores: os.availableParallelism(),
        cpu: os.cpus()[0]?.model ?? null,
        node: process.version,
        python: python[0] ?? null,
        gunicorn: python[1] ?? null,
        flask: python[2] ?? null,
        uwsgi: uwsgi ?? null,
        durationS,
        warmupS,
        results,
        memory,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${opts.json}`);
}
process.exit(results.some((r) => r.error) || memory?.some((m) => m.error) ? 1 : 0);
