#!/usr/bin/env node
// What N event-stream subscribers that never read cost, without HTTP or an app in the way: the control API's
// SseClient on the Host's EventHub, over real loopback sockets whose peers read the first bytes and then nothing,
// while access events are published at RATE/s for S seconds. Prints this process's CPU (user = JavaScript and V8,
// system = the kernel), the bytes each socket took before node's write failed (the kernel's buffers), and how many
// subscribers were dropped past their budget. Needs `npm run build -w server-core`; DIST=… measures another build.
// Usage: node bench/sse-stall-cost.mjs [--subscribers 64] [--rate 13000] [--seconds 3]
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '64' },
    rate: { type: 'string', default: '13000' },
    seconds: { type: 'string', default: '3' },
  },
});
const DIST = process.env.DIST ?? path.join(ROOT, 'server-core/dist');
const { SseClient } = await import(pathToFileURL(path.join(DIST, 'control/sse.js')).href);
const { EventHub } = await import(pathToFileURL(path.join(DIST, 'host/event-hub.js')).href);
const N = Number(args.subscribers);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);

const hub = new EventHub();
let seq = 0;
// The shape the Host publishes for a request to the demo app under wrk.
function publish() {
  seq++;
  hub.publish('access', 'demo', {
    time: Date.now(),
    app: 'Demo',
    requestId: `39f65b8e3940-${seq.toString(36)}`,
    method: 'GET',
    path: '/json',
    query: '',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes: 182,
    durationMs: 0.387 + (seq % 7) / 10,
    timing: { queueMs: 0.0101, appMs: 0.268, ttfbMs: 0.278, transferMs: 0.108 },
    workerPid: 2083,
    workerId: 1,
    remoteAddr: '127.0.0.1',
    userAgent: 'wrk',
    referer: '',
    seq,
  });
}

const subscribers = [];
const server = net.createServer((socket) => {
  const s = { bytes: 0, dropped: false };
  subscribers.push(s);
  const write = socket.write.bind(socket);
  socket.write = (chunk) => {
    s.bytes += chunk.length;
    return write(chunk);
  };
  socket.on('error', () => {});
  const client = new SseClient(socket, hub, {});
  client.raw('retry: 2000\n\n');
  client.start();
  const unsubscribe = hub.subscribe((e) => client.send(e));
  socket.on('close', () => {
    unsubscribe();
    client.close();
    s.dropped = client.overBudgetAt !== null;
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const peers = [];
for (let i = 0; i < N; i++)
  await new Promise((resolve) => {
    const p = net.connect(server.address().port, '127.0.0.1', resolve);
    p.once('data', () => p.pause()); // from here on, never read
    p.on('error', () => {});
    peers.push(p);
  });

const cpu = () => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]) * 10, Number(f[12]) * 10];
};
const c0 = cpu();
const t0 = Date.now();
let sent = 0;
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
    while (sent < due) {
      publish();
      sent++;
    }
    if (Date.now() - t0 >= SECONDS * 1000) {
      clearInterval(timer);
      resolve();
    }
  }, 5);
});
const c1 = cpu();
const mb = subscribers.map((s) => s.bytes / 1e6);
console.log(
  `${N} subscribers that never read, ${sent} access events in ${SECONDS} s: CPU user ${c1[0] - c0[0]} ms, system ${c1[1] - c0[1]} ms; ` +
    (N
      ? `each socket took ${Math.min(...mb).toFixed(2)}-${Math.max(...mb).toFixed(2)} MB; ${subscribers.filter((s) => s.dropped).length} dropped past their budget`
      : ''),
);
for (const p of peers) p.destroy();
server.close();
process.exit(0);
