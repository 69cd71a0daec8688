#!/usr/bin/env node
// The UI's event-stream wire format, measured: bytes per access entry and per output line, and the cost to encode
// (server) and decode (browser) a batch, for JSON envelopes (`?batch=1`) and by column (`?batch=1&columns=1`).
// Needs `npm run build -w server-core`. Usage: node bench/sse-wire.mjs [--rows-per-frame 10,50] [--frames 20000]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { encodeAccessColumns, decodeAccessColumns } = await import(
  pathToFileURL(path.join(ROOT, 'server-core/dist/control/access-columns.js')).href
);
const { encodeOutputColumns, decodeOutputColumns } = await import(
  pathToFileURL(path.join(ROOT, 'server-core/dist/control/output-columns.js')).href
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

// Output lines: what e2e/fixtures/chatty writes per request (a 60-word line and a three-line block), and what a
// Flask app under Python logging's default format writes (one short line per request).
const LONG = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
const SHAPES = {
  chatty: (n, k) =>
    [`chatty line i=${n} ${LONG}`, `chatty block i=${n} first`, '  second line of the block', '  third line of the block'][k % 4],
  logging: (n) => `INFO:shop.orders:order ${n} placed for customer ${(n * 7919) % 10007} in 3.${n % 10} ms`,
};
let outSeq = 0;
function outputEnvelope(shape) {
  outSeq++;
  const req = Math.floor(outSeq / 4);
  const data = {
    time: 1796417348918 + outSeq,
    app: 'Demo',
    source: 'stderr',
    level: 'info',
    workerId: 1 + (req % 2),
    workerPid: 2083 + (req % 2),
    requestId: `39f65b8e3940-${req.toString(36)}`,
    text: SHAPES[shape](req, outSeq),
    seq: outSeq,
  };
  return { id: outSeq * 2, type: 'output', appId: 'demo', time: data.time, data };
}

for (const shape of Object.keys(SHAPES)) {
  for (const n of args['rows-per-frame'].split(',').map(Number)) {
    const frames = Array.from({ length: 64 }, () => Array.from({ length: n }, () => outputEnvelope(shape)));
    const counts = JSON.stringify({ seen: 0, matched: 0, sent: 0, sampleOneIn: 1 });
    const json = time((i) => `{"events":[${frames[i % 64].map((e) => JSON.stringify(e)).join(',')}],"access":${counts}}`);
    const cols = time((i) => `{"events":[],"access":${counts},"outputColumns":${JSON.stringify(encodeOutputColumns(frames[i % 64]))}}`);
    const parseJson = time((i) => JSON.parse(json.out).events.length + i);
    const parseCols = time((i) => decodeOutputColumns(JSON.parse(cols.out).outputColumns).length + i);
    const per = (r) => (r.ns / FRAMES / n / 1000).toFixed(2);
    console.log(
      `output (${shape}), ${n} lines/frame: JSON envelopes ${(Buffer.byteLength(json.out) / n).toFixed(0)} B/line, encode ${per(json)} µs/line, decode ${per(parseJson)} µs/line | by column ${(Buffer.byteLength(cols.out) / n).toFixed(0)} B/line, encode ${per(cols)} µs/line, decode ${per(parseCols)} µs/line`,
    );
  }
}
