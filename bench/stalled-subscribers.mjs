#!/usr/bin/env node
// What 500 event-stream subscribers that never read cost an app: one `gantry ui` hosting the demo app, wrk
// against it with no subscribers and then with 500 stalled ones (raw sockets that send the request and never
// read), interleaved. Prints how many were accepted / refused (the cap) and the throughput ratio.
// Usage: node bench/stalled-subscribers.mjs [--seconds S] [--rounds N] [--subscribers N]
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGantryUi } from './gantry-ui.mjs';
import { runWrk } from './wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' }, subscribers: { type: 'string', default: '500' }, port: { type: 'string', default: '23202' } } });
const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-stalled-'));
const { child, url, token, client } = await startGantryUi(home);
const u = new URL(url);

/** Opens n subscribers that never read; resolves with how many got 200 and how many 503. */
async function stall(n) {
  const sockets = [];
  let ok = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: n }, () => new Promise((resolve) => {
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
    })),
  );
  return { sockets, ok, refused };
}

try {
  const added = await client.call('addApp', { body: { folder: path.join(ROOT, 'app/examples/hello'), name: 'Bench stalled', detect: false, settings: { app: 'hello:application', bind: [`127.0.0.1:${args.port}`], workers: 2 } } });
  await client.call('start', { params: { id: added.app.definition.id } });
  const target = `http://127.0.0.1:${args.port}/json`;
  const rows = [];
  for (let round = 0; round < Number(args.rounds); round++) {
    const free = await runWrk({ url: target, threads: 1, connections: 8, durationS: Number(args.seconds) });
    const { sockets, ok, refused } = await stall(Number(args.subscribers));
    const stalled = await runWrk({ url: target, threads: 1, connections: 8, durationS: Number(args.seconds) });
    for (const s of sockets) s.destroy();
    rows.push({ free: free.rps, stalled: stalled.rps });
    console.log(`round ${round + 1}: no subscribers ${free.rps.toFixed(0)} req/s; ${args.subscribers} stalled (${ok} accepted, ${refused} refused) ${stalled.rps.toFixed(0)} req/s (ratio ${(stalled.rps / free.rps).toFixed(2)})`);
  }
  const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
  console.log(`ratio (sum stalled / sum free): ${(sum('stalled') / sum('free')).toFixed(3)}`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
