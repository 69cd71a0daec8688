#!/usr/bin/env node
// What event-stream subscribers that never read cost an app: one `gantry ui` hosting the demo app (2 workers), wrk
// against it with 0, 100 and 500 attempted stalled subscribers (raw sockets that send the request and never read),
// interleaved in each round. The control API accepts up to its cap (64) and refuses the rest with
// GANTRY_ERR_TOO_MANY_STREAMS; the accepted ones are held stalled until the server drops them past their byte budget.
// Prints, per setting, req/s and the Host process's CPU per request in two windows — the first S seconds (the kernel
// still takes bytes for the stalled sockets) and the next S (steady) — and the throughput ratio against 0.
// Usage: node bench/stalled-subscribers.mjs [--seconds S] [--rounds N] [--subscribers 0,100,500] [--json FILE]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGantryUi } from './gantry-ui.mjs';
import { runWrk } from './wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    subscribers: { type: 'string', default: '0,100,500' },
    port: { type: 'string', default: '23202' },
    json: { type: 'string' },
  },
});
const SETTINGS = args.subscribers.split(',').map(Number);
const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-stalled-'));
const { child, url, token, client } = await startGantryUi(home);
const u = new URL(url);

/** CPU seconds (user + system) the process has used so far (Linux /proc). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Opens n subscribers that never read; resolves with how many got 200 and how many 503. */
async function stall(n) {
  const sockets = [];
  let ok = 0;
  let refused = 0;
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const s = net.connect(Number(u.port), '127.0.0.1', () => {
            s.write(`GET /api/events HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
          });
          sockets.push(s);
          s.once('data', (b) => {
            if (/^HTTP\/1\.1 200/.test(b.toString())) ok++;
            else refused++;
            s.pause(); // from here on, never read
            resolve();
          });
          s.once('error', () => resolve());
        }),
    ),
  );
  return { sockets, ok, refused };
}

try {
  const added = await client.call('addApp', {
    body: {
      folder: path.join(ROOT, 'app/examples/hello'),
      name: 'Bench stalled',
      detect: false,
      settings: { app: 'hello:application', bind: [`127.0.0.1:${args.port}`], workers: 2 },
    },
  });
  await client.call('start', { params: { id: added.app.definition.id } });
  const target = `http://127.0.0.1:${args.port}/json`;
  await runWrk({ url: target, threads: 1, connections: 8, durationS: 1 }); // warm up
  const rows = Object.fromEntries(SETTINGS.map((n) => [n, []]));
  for (let round = 0; round < Number(args.rounds); round++) {
    const line = [];
    // Each round starts at a different setting, so a drift in the box's load does not favour one.
    for (const n of SETTINGS.map((_, i) => SETTINGS[(i + round) % SETTINGS.length])) {
      const { sockets, ok, refused } = await stall(n);
      // Two windows: the first seconds, while the kernel still takes bytes for the stalled sockets (a loopback
      // socket that is not read holds a few MB before the server's writes fail), then the steady state.
      const windows = [];
      for (let i = 0; i < 2; i++) {
        const cpu0 = cpuSeconds(child.pid);
        const w = await runWrk({ url: target, threads: 1, connections: 8, durationS: Number(args.seconds) });
        const cpu = cpuSeconds(child.pid) - cpu0;
        windows.push({ rps: w.rps, usPerReq: (cpu * 1e6) / Math.max(1, w.requests ?? w.rps * Number(args.seconds)) });
      }
      for (const s of sockets) s.destroy();
      rows[n].push({ first: windows[0], steady: windows[1], accepted: ok, refused });
      line.push(
        `${n} stalled (${ok} held, ${refused} refused): first ${windows[0].rps.toFixed(0)} req/s, ${windows[0].usPerReq.toFixed(0)} µs CPU/req; then ${windows[1].rps.toFixed(0)} req/s, ${windows[1].usPerReq.toFixed(0)} µs CPU/req`,
      );
    }
    console.log(`round ${round + 1}: ${line.join(' | ')}`);
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = [];
  for (const win of ['first', 'steady']) {
    const base = median(rows[SETTINGS[0]].map((r) => r[win].rps));
    for (const n of SETTINGS) {
      const s = {
        window: win,
        subscribers: n,
        rps: median(rows[n].map((r) => r[win].rps)),
        usPerReq: median(rows[n].map((r) => r[win].usPerReq)),
      };
      s.ratio = s.rps / base;
      summary.push(s);
      console.log(
        `${win === 'first' ? `first ${args.seconds} s` : `the next ${args.seconds} s`}: ${String(n).padStart(4)} attempted stalled: median ${s.rps.toFixed(0)} req/s, Host ${s.usPerReq.toFixed(0)} µs CPU/req, throughput ratio ${s.ratio.toFixed(3)}`,
      );
    }
  }
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify({ machine: { cpus: os.cpus().length }, seconds: Number(args.seconds), rows, summary }, null, 2),
    );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
