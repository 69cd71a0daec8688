// Turns metrics samples into chart columns: status classes per second are the server's statusRates (same window
// and instant as req/s, so they add up to it), or, from an older server, the cumulative counters over the same
// window (RATE_WINDOW_SECONDS, from the contract), so the two charts' legends agree under bursty traffic; and
// each sample's per-worker memory becomes one column per worker slot (gaps where a worker did not exist).
import { RATE_WINDOW_SECONDS, type MetricsSnapshot } from '../../../api/contract';

const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const counted = (m: MetricsSnapshot) => CLASSES.reduce((n, k) => n + m.statusClasses[k], 0);

export function metricsSeries(samples: readonly MetricsSnapshot[]) {
  const x: number[] = [];
  const rate: number[] = [];
  const p50: number[] = [];
  const p95: number[] = [];
  const p99: number[] = [];
  const c2: (number | null)[] = [];
  const c3: (number | null)[] = [];
  const c4: (number | null)[] = [];
  const c5: (number | null)[] = [];
  const queue: number[] = [];
  const inFlight: number[] = [];
  const busy: number[] = [];
  const serving: number[] = [];
  // Where the current window starts: the newest sample at least RATE_WINDOW_SECONDS old, or, before that much
  // history exists or right after a counter reset (a restart), the oldest sample since the last reset.
  let from = 0;
  samples.forEach((m, i) => {
    x.push(m.time / 1000);
    rate.push(m.rate);
    p50.push(m.latencyMs.p50);
    p95.push(m.latencyMs.p95);
    p99.push(m.latencyMs.p99);
    queue.push(m.queueDepth);
    inFlight.push(m.inFlight);
    busy.push(m.workersBusy);
    serving.push(m.workersTotal);
    const prev = samples[i - 1];
    if (prev && counted(m) < counted(prev)) from = i; // counters went down: a new run, its window starts here
    while (from + 1 < i && samples[from + 1]!.time <= m.time - RATE_WINDOW_SECONDS * 1000) from++;
    const base = samples[from]!;
    const dt = (m.time - base.time) / 1000;
    const per = (k: '2xx' | '3xx' | '4xx' | '5xx') => {
      if (m.statusRates) return m.statusRates[k]; // the server's: same meter, window and instant as m.rate
      if (from === i || dt <= 0) return null; // no earlier sample in this run yet: a gap, not a spike
      const d = m.statusClasses[k] - base.statusClasses[k];
      return d < 0 ? null : d / dt;
    };
    c2.push(per('2xx'));
    c3.push(per('3xx'));
    c4.push(per('4xx'));
    c5.push(per('5xx'));
  });
  return { x, rate, p50, p95, p99, c2, c3, c4, c5, queue, inFlight, busy, serving };
}

/** MB per worker slot, from the same samples as the other charts (so it has their history too). */
export function memorySeries(samples: readonly Pick<MetricsSnapshot, 'time' | 'workerRssBytes'>[]): {
  x: number[];
  ids: number[];
  values: (number | null)[][];
} {
  // A sample from a server before workerRssBytes existed has none: a gap, not a crash.
  const rss = (s: Pick<MetricsSnapshot, 'workerRssBytes'>): Readonly<Record<number, number>> => s.workerRssBytes ?? {};
  const ids = [...new Set(samples.flatMap((s) => Object.keys(rss(s)).map(Number)))].sort((a, b) => a - b);
  return {
    x: samples.map((s) => s.time / 1000),
    ids,
    values: ids.map((id) => samples.map((s) => (rss(s)[id] === undefined ? null : rss(s)[id]! / 1024 / 1024))),
  };
}
