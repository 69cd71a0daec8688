// Turns metrics samples into chart columns: cumulative status counters become per-second rates, and each
// sample's per-worker memory becomes one column per worker slot (gaps where a worker did not exist).
import type { MetricsSnapshot } from '../../../api/contract';

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
    const dt = prev ? (m.time - prev.time) / 1000 : 0;
    const per = (k: '2xx' | '3xx' | '4xx' | '5xx') => {
      if (!prev || dt <= 0) return null;
      const d = m.statusClasses[k] - prev.statusClasses[k];
      return d < 0 ? null : d / dt; // a counter reset (restart) leaves a gap, not a negative spike
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
