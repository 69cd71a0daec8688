// Turns metrics samples into chart columns: cumulative status counters become per-second rates, and
// memory samples become one column per worker slot (gaps where a worker did not exist).
import type { MetricsSnapshot } from '../../../api/contract';

export interface MemorySample {
  readonly time: number;
  /** Worker slot → resident bytes. */
  readonly rss: Readonly<Record<number, number>>;
}

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
  samples.forEach((m, i) => {
    x.push(m.time / 1000);
    rate.push(m.rate);
    p50.push(m.latencyMs.p50);
    p95.push(m.latencyMs.p95);
    p99.push(m.latencyMs.p99);
    queue.push(m.queueDepth);
    inFlight.push(m.inFlight);
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
  return { x, rate, p50, p95, p99, c2, c3, c4, c5, queue, inFlight };
}

export function memorySeries(samples: readonly MemorySample[]): { x: number[]; ids: number[]; values: (number | null)[][] } {
  const ids = [...new Set(samples.flatMap((s) => Object.keys(s.rss).map(Number)))].sort((a, b) => a - b);
  return {
    x: samples.map((s) => s.time / 1000),
    ids,
    values: ids.map((id) => samples.map((s) => (s.rss[id] === undefined ? null : s.rss[id]! / 1024 / 1024))),
  };
}
