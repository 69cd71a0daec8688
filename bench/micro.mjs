#!/usr/bin/env node
// Per-request helpers on the gateway's hot path, timed in isolation: what one call costs, in ns. These were
// "a million calls well under a second" unit tests; a speed goal belongs here, not in `npm test`.
// Usage: npm run build -w server-core && node bench/micro.mjs [--calls N]
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000000' } } });
const calls = Number(values.calls);
const dist = new URL('../server-core/dist/', import.meta.url);
const { newRequestId } = await import(new URL('gateway/request-id.js', dist));
const { AppMetrics } = await import(new URL('metrics/app-metrics.js', dist));
const { rssReaders } = await import(new URL('supervisor/process-stats.js', dist));

/** Best of 5 runs of `calls` calls, in ns per call (the first run also warms the JIT up). */
function time(name, once) {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) once(i);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / calls);
  }
  console.log(`${name.padEnd(36)} ${best.toFixed(1).padStart(8)} ns/call`);
}

let last = '';
time('newRequestId()', () => {
  last = newRequestId();
});
const metrics = new AppMetrics({ app: 'bench' });
time('AppMetrics.record(status, ms, worker)', (i) => metrics.record(200, (i % 997) * 0.37, i & 3));
if (last.length === 0 || metrics.snapshot().requests !== calls * 5) throw new Error('the timed calls did not run');
// With --max-worker-rss, after every request a worker completes (Linux): one pread of /proc/PID/statm.
const open = await rssReaders();
if (open !== null) {
  const reader = open(process.pid);
  let rss = 0;
  const saved = calls;
  time('RssReader.read() (--max-worker-rss)', () => {
    rss = reader.read();
  });
  reader.close();
  if (!(rss > 0) || saved !== calls) throw new Error('the RSS reads did not run');
}
