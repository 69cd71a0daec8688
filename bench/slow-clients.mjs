#!/usr/bin/env node
// What slow and stuck clients cost everyone else (issue 12), on a real `gantry serve -w 2`:
//  1. the delay two clients uploading at 1 byte/s add to a normal request (GET / back to back, before and
//     while they trickle; --stream adds --stream-request-body, where each of them holds a worker);
//  2. the gateway's resident memory (VmRSS, sampled every 20 ms) while 1 GiB is uploaded (buffered to its
//     temporary file, then read by the worker) and while 1 GiB is downloaded by a client that never reads.
// Rounds alternate alone / beside the uploads, so the box's own noise shows in the "alone" rounds.
// Usage: npm run build -w server-core && node bench/slow-clients.mjs [--requests 300] [--rounds 3] [--mb 1024] [--stream]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    mb: { type: 'string', default: '1024' },
    stream: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(values.requests);
const MB = Number(values.mb);
const bin = fileURLToPath(new URL('../server-core/bin/gantry.js', import.meta.url));
const chdir = fileURLToPath(new URL('../server-core/test/fixtures/apps/', import.meta.url));

const args = [
  bin,
  'serve',
  '-b',
  '127.0.0.1:0',
  '-w',
  '2',
  '--chdir',
  chdir,
  '--python',
  'python3',
  ...(values.stream ? ['--stream-request-body'] : []),
  'basic:application',
];
const gantry = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
const port = await new Promise((resolve, reject) => {
  const on = (b) => {
    out += b;
    const m = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  };
  gantry.stdout.on('data', on);
  gantry.stderr.on('data', on);
  gantry.once('exit', (code) => reject(new Error(`gantry serve exited ${code}:\n${out}`)));
});
const url = `http://127.0.0.1:${port}`;
const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gantry.pid}/status`, 'utf8'))[1]) / 1024;

/** One request; its status and how long it took (a request that takes over 10 s counts as 10 s, status 0). */
function timed(path, opts = {}) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(url + path, { agent: false, ...opts }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.setTimeout(10_000, () => {
      req.destroy();
      resolve({ status: 0, ms: 10_000 });
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(opts.body);
  });
}

async function latencies(label) {
  const ms = [];
  let failed = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await timed('/');
    ms.push(r.ms);
    if (r.status !== 200) failed++;
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  console.log(
    `${label}: ${REQUESTS} GET /, p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${ms.at(-1).toFixed(2)} ms${failed ? `, ${failed} not 200` : ''}`,
  );
  return { p50: q(0.5), p99: q(0.99), max: ms.at(-1) };
}

/** A POST whose 1,000-byte body is sent one byte a second. */
function trickle() {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write('POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
  const timer = setInterval(() => socket.write('b'), 1000);
  return () => {
    clearInterval(timer);
    socket.destroy();
  };
}

/** Samples the gateway's RSS every 20 ms while `work` runs; returns the peak and what work returned. */
async function peakRss(work) {
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
  try {
    const result = await work();
    return { peak, result };
  } finally {
    clearInterval(timer);
  }
}

/** POSTs MB MiB generated 1 MiB at a time with back-pressure to /count (the worker reads and counts it). */
function upload() {
  const block = Buffer.alloc(1 << 20, 0x61);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/count`, { method: 'POST', agent: false, headers: { 'Content-Length': String(MB << 20) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < MB) {
        sent++;
        if (!req.write(block)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** GET /big?mb=MB from a client that never reads: watched for `ms`, while GET / still runs on the other worker. */
async function stuckDownload(ms) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.pause();
  socket.write(`GET /big?mb=${MB} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const end = Date.now() + ms;
  let worst = 0;
  while (Date.now() < end) worst = Math.max(worst, (await timed('/')).ms);
  socket.destroy();
  return worst;
}

await timed('/');
try {
  console.log(`gantry serve -w 2${values.stream ? ' --stream-request-body' : ''} (pid ${gantry.pid}), port ${port}`);
  for (let round = 1; round <= Number(values.rounds); round++) {
    const before = await latencies(`round ${round} alone`);
    const stops = [trickle(), trickle()];
    // Both uploads are in (their heads and first bytes read) before the measurement starts.
    await new Promise((r) => setTimeout(r, 1500));
    const during = await latencies(`round ${round} beside two 1 byte/s uploads`);
    for (const stop of stops) stop();
    console.log(
      `round ${round}: delay added by two 1 byte/s uploaders: p50 ${(during.p50 - before.p50).toFixed(2)} ms, p99 ${(during.p99 - before.p99).toFixed(2)} ms, max ${(during.max - before.max).toFixed(2)} ms`,
    );
  }

  const idle = rssMb();
  console.log(`gateway RSS idle: ${idle.toFixed(1)} MB`);
  const up = await peakRss(upload);
  console.log(
    `upload ${MB} MiB: ${up.result.status} "${up.result.text}" in ${(up.result.ms / 1000).toFixed(1)} s (${((MB * 1.048576) / (up.result.ms / 1000)).toFixed(0)} MB/s); gateway RSS peak ${up.peak.toFixed(1)} MB (+${(up.peak - idle).toFixed(1)})`,
  );
  const down = await peakRss(() => stuckDownload(5000));
  console.log(
    `download ${MB} MiB to a client that never reads, watched 5 s: gateway RSS peak ${down.peak.toFixed(1)} MB (+${(down.peak - idle).toFixed(1)}); slowest GET / meanwhile ${down.result.toFixed(1)} ms`,
  );
} finally {
  gantry.kill('SIGTERM');
}
