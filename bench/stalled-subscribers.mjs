#!/usr/bin/env node
// What event-stream subscribers that never read cost an app: one `gantry ui` hosting the demo app (2 workers), wrk
// against it with no subscribers vs 100 and 500 attempted stalled subscribers (raw sockets that send the request and
// never read). The control API accepts up to its cap (16) and refuses the rest with GANTRY_ERR_TOO_MANY_STREAMS; the
// accepted ones are held stalled until the server drops them past their byte budget.
//
// On a shared box single measurements swing by ±30 %, so the verdict is made of interleaved pairs: each pair is
// "none" and "N attempted" back to back (every other pair in the other order), and the throughput ratio is the median
// of the pairs' ratios with its quartiles — not one pair, nor a ratio of medians. Beside it, a CPU view that the
// other load on the box moves far less: the Host's CPU per request (user = JavaScript and V8, system = the kernel:
// loopback TCP for the stalled sockets, the app's traffic) and the serving CPU per request (Host + its workers).
// The Host is the bottleneck here (one event loop at ~100 % of a core under wrk), so the ratio of its CPU per request
// predicts the throughput ratio on a box this bench has to itself.
// Two windows per measurement: the first S seconds after the subscribers connect (they are written to until their
// sockets fill, then dropped past their budget) and the next S.
// Usage: node bench/stalled-subscribers.mjs [--seconds S] [--pairs N] [--subscribers 100,500] [--port P] [--json FILE]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGantryUi } from './gantry-ui.mjs';
import { descendantPids } from './proc-cpu.mjs';
import { runWrk } from './wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    pairs: { type: 'string', default: '6' },
    subscribers: { type: 'string', default: '100,500' },
    port: { type: 'string', default: '23202' },
    json: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const SETTINGS = args.subscribers.split(',').map(Number);
const WINDOWS = ['first', 'next'];
const home = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-stalled-'));
const { child, url, token, client } = await startGantryUi(home);
const u = new URL(url);

/** [user, system] CPU seconds the processes have used so far (Linux /proc). */
function cpu(pids) {
  let user = 0;
  let sys = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      user += Number(f[11]) / 100;
      sys += Number(f[12]) / 100;
    } catch {
      // exited
    }
  }
  return [user, sys];
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

/** One measurement: n attempted stalled subscribers (0: none), then wrk for two windows. */
async function measure(n, target) {
  const serving = [String(child.pid), ...descendantPids(child.pid)];
  const { sockets, ok, refused } = await stall(n);
  const windows = {};
  for (const win of WINDOWS) {
    const host0 = cpu([child.pid]);
    const serving0 = cpu(serving);
    const w = await runWrk({ url: target, threads: 1, connections: 8, durationS: SECONDS });
    const host = cpu([child.pid]).map((v, i) => v - host0[i]);
    const all = cpu(serving).map((v, i) => v - serving0[i]);
    const requests = Math.max(1, w.requests ?? w.rps * SECONDS);
    windows[win] = {
      rps: w.rps,
      hostUserUs: (host[0] * 1e6) / requests,
      hostSysUs: (host[1] * 1e6) / requests,
      hostUsPerReq: ((host[0] + host[1]) * 1e6) / requests,
      servingUsPerReq: ((all[0] + all[1]) * 1e6) / requests,
    };
  }
  for (const s of sockets) s.destroy();
  // The server sees them go (or has dropped them already) before the next measurement.
  await new Promise((r) => setTimeout(r, 500));
  return { subscribers: n, held: ok, refused, ...windows };
}

/** The q-quantile of xs (linear between the two nearest ranks). */
function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}
const spread = (xs) => ({
  median: quantile(xs, 0.5),
  q1: quantile(xs, 0.25),
  q3: quantile(xs, 0.75),
  min: Math.min(...xs),
  max: Math.max(...xs),
});
const fmt = (s, d = 3) =>
  `${s.median.toFixed(d)} (quartiles ${s.q1.toFixed(2)}–${s.q3.toFixed(2)}, range ${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

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
  // One unmeasured pass of each setting: the first stream connections and refusals compile their code paths.
  for (const n of SETTINGS) await stall(n).then(({ sockets }) => sockets.forEach((s) => s.destroy()));
  const pairs = Object.fromEntries(SETTINGS.map((n) => [n, []]));
  for (let p = 0; p < Number(args.pairs); p++) {
    for (const n of SETTINGS) {
      const order = (p + SETTINGS.indexOf(n)) % 2 === 0 ? [0, n] : [n, 0];
      const got = {};
      for (const k of order) got[k] = await measure(k, target);
      const pair = { none: got[0], stalled: got[n] };
      pairs[n].push(pair);
      console.log(
        `pair ${p + 1}, ${n} attempted (${pair.stalled.held} held, ${pair.stalled.refused} refused), ${order[0] === 0 ? 'none first' : 'stalled first'}: ` +
          WINDOWS.map(
            (win) =>
              `${win} ${pair.stalled[win].rps.toFixed(0)}/${pair.none[win].rps.toFixed(0)} req/s = ${(pair.stalled[win].rps / pair.none[win].rps).toFixed(2)}, Host ${pair.stalled[win].hostUsPerReq.toFixed(0)}/${pair.none[win].hostUsPerReq.toFixed(0)} µs/req`,
          ).join('; '),
      );
    }
  }
  const summary = [];
  for (const win of WINDOWS) {
    for (const n of SETTINGS) {
      const ps = pairs[n];
      const ratio = spread(ps.map((p) => p.stalled[win].rps / p.none[win].rps));
      const hostRatio = spread(ps.map((p) => p.none[win].hostUsPerReq / p.stalled[win].hostUsPerReq));
      const servingRatio = spread(ps.map((p) => p.none[win].servingUsPerReq / p.stalled[win].servingUsPerReq));
      const med = (side, key) =>
        quantile(
          ps.map((p) => p[side][win][key]),
          0.5,
        );
      const s = {
        window: win,
        subscribers: n,
        pairs: ps.length,
        ratio,
        atLeast90: ps.filter((p) => p.stalled[win].rps / p.none[win].rps >= 0.9).length,
        hostCpuRatio: hostRatio,
        servingCpuRatio: servingRatio,
        none: { rps: med('none', 'rps'), hostUserUs: med('none', 'hostUserUs'), hostSysUs: med('none', 'hostSysUs') },
        stalled: { rps: med('stalled', 'rps'), hostUserUs: med('stalled', 'hostUserUs'), hostSysUs: med('stalled', 'hostSysUs') },
      };
      summary.push(s);
      const label = win === 'first' ? `first ${SECONDS} s` : `next ${SECONDS} s`;
      console.log(
        `${label}, ${String(n).padStart(3)} attempted vs none, ${ps.length} pairs: throughput ratio ${fmt(ratio)}, ${s.atLeast90} pairs ≥ 0.90\n` +
          `    Host CPU per request, none → stalled: user ${s.none.hostUserUs.toFixed(0)} → ${s.stalled.hostUserUs.toFixed(0)} µs, system ${s.none.hostSysUs.toFixed(0)} → ${s.stalled.hostSysUs.toFixed(0)} µs; ` +
          `ratio predicted from Host CPU/req ${fmt(hostRatio)}, from serving CPU/req (Host + workers) ${fmt(servingRatio)}`,
      );
    }
  }
  if (args.json)
    writeFileSync(args.json, JSON.stringify({ machine: { cpus: os.cpus().length }, seconds: SECONDS, pairs, summary }, null, 2));
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
