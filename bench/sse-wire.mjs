#!/usr/bin/env node
// The UI's event-stream wire format, measured: bytes per access entry and the cost to encode (server) and decode
// (browser) a batch, for JSON envelopes (`?batch=1`) and by column (`?batch=1&columns=1`). Needs
// `npm run build -w server-core`. Usage: node bench/sse-wire.mjs [--rows-per-frame 10,50] [--frames 20000]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { encodeAccessColumns, decodeAccessColumns } = await import(
  pathToFileURL(path.join(ROOT, 'server-core/dist/control/access-columns.js')).href
);
const { values: args } = parseArgs({
  options: { 'rows-per-frame': { type: 'string', default: '10,50' }, frames: { type: 'string', default: '20000' } },
});
const FRAMES = Number(args.frames);

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
let seq = 0;
// The shape a real `gantry ui` streams for a request to the demo app (timing from a real one).
function envelope() {
  seq++;
  const data = {
    time: 1796417348918 + seq,
    app: 'Demo',
    requestId: `39f65b8e3940-${seq.toString(36)}`,
    method: 'GET',
    path: '/json',
    query: `x=${seq % 100}`,
    protocol: 'HTTP/1.1',
    status: 200,
    bytes: 182,
    durationMs: 0.38704500000017106 + (seq % 7) / 10,
    timing: { queueMs: 0.010105000000066866, appMs: 0.2682790000001205, ttfbMs: 0.27838400000018737, transferMs: 0.10866099999998369 },
    workerPid: 2083 + (seq % 2),
    workerId: 1 + (seq % 2),
    remoteAddr: '127.0.0.1',
    userAgent: UA,
    referer: '',
    seq,
  };
  return { id: seq, type: 'access', appId: 'demo', time: data.time, data };
}

function time(fn) {
  const t0 = process.hrtime.bigint();
  let out;
  for (let i = 0; i < FRAMES; i++) out = fn(i);
  return { ns: Number(process.hrtime.bigint() - t0), out };
}

for (const n of args['rows-per-frame'].split(',').map(Number)) {
  const frames = Array.from({ length: 64 }, () => Array.from({ length: n }, envelope));
  const counts = JSON.stringify({ seen: n, matched: n, sent: n, sampleOneIn: 1 });
  // Before: each envelope serialised once (shared by clients), a frame joins them.
  const json = time((i) => `{"events":[${frames[i % 64].map((e) => JSON.stringify(e)).join(',')}],"access":${counts}}`);
  const cols = time((i) => `{"events":[],"access":${counts},"accessColumns":${JSON.stringify(encodeAccessColumns(frames[i % 64]))}}`);
  const parseJson = time((i) => JSON.parse(json.out).events.length + i);
  const parseCols = time((i) => decodeAccessColumns(JSON.parse(cols.out).accessColumns).length + i);
  const per = (r) => (r.ns / FRAMES / n / 1000).toFixed(2);
  console.log(
    `${n} rows/frame: JSON envelopes ${(Buffer.byteLength(json.out) / n).toFixed(0)} B/entry, encode ${per(json)} µs/entry, decode ${per(parseJson)} µs/entry | by column ${(Buffer.byteLength(cols.out) / n).toFixed(0)} B/entry, encode ${per(cols)} µs/entry, decode ${per(parseCols)} µs/entry`,
  );
}
