// Latency over a sliding window (p50/p95/p99/max for the UI) and a cumulative fixed-bucket histogram (Prometheus).
// Wiring: app-metrics.ts owns one of each per app; the request path never touches this file directly.
//
// Why log-scaled buckets: relative error stays constant (≈2 % here) from 10 µs to an hour with a few hundred
// counters, and record() is one log2 + one increment. Why rotating slots: a window of "the last minute" with no
// per-request timestamps; a slot older than the window is zeroed lazily when its turn comes round again.
import type { LatencySummary } from '../runtime/types.js';

export interface LatencyHistogramOptions {
  /** How far back percentiles look. Default 60 s. The window actually covered is windowMs..windowMs+slotMs. */
  readonly windowMs?: number;
  /** Granularity of the window. Default 10 s (so 7 slots). */
  readonly slotMs?: number;
  /** Clock in ms; monotonic is best. Default performance.now. */
  readonly now?: () => number;
}

const MIN_MS = 0.01; // everything below lands in bucket 0
const PER_DOUBLING = 16; // bucket width factor 2^(1/16) ≈ 1.044: worst-case relative error ≈ 2.2 % at the midpoint
const BUCKETS = 1 + Math.ceil(Math.log2(3_600_000 / MIN_MS) * PER_DOUBLING); // up to one hour, then clamped

function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0; // also catches NaN and negatives
  const i = 1 + Math.floor(Math.log2(ms / MIN_MS) * PER_DOUBLING);
  return i < BUCKETS ? i : BUCKETS - 1;
}

/** Geometric middle of bucket i: the value reported for any sample in it. */
function bucketValue(i: number): number {
  if (i === 0) return MIN_MS;
  return MIN_MS * 2 ** ((i - 0.5) / PER_DOUBLING);
}

interface Slot {
  epoch: number; // which slotMs-wide interval this slot currently holds
  count: number;
  max: number;
  min: number;
  readonly counts: Uint32Array;
}

export class LatencyHistogram {
  private readonly slotMs: number;
  private readonly slots: Slot[];
  private readonly now: () => number;

  constructor(options: LatencyHistogramOptions = {}) {
    const windowMs = options.windowMs ?? 60_000;
    this.slotMs = options.slotMs ?? 10_000;
    this.now = options.now ?? (() => performance.now());
    const n = Math.ceil(windowMs / this.slotMs) + 1;
    this.slots = Array.from({ length: n }, () => ({ epoch: -1, count: 0, max: 0, min: Infinity, counts: new Uint32Array(BUCKETS) }));
  }

  /** O(1): one log2, one increment (plus a rare lazy reset of a stale slot). */
  record(ms: number): void {
    const epoch = Math.floor(this.now() / this.slotMs);
    const slot = this.slots[epoch % this.slots.length]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      slot.count = 0;
      slot.max = 0;
      slot.min = Infinity;
      slot.counts.fill(0);
    }
    slot.counts[bucketOf(ms)]!++;
    slot.count++;
    if (ms > slot.max) slot.max = ms;
    if (ms < slot.min) slot.min = ms;
  }

  /** Samples inside the window. */
  count(): number {
    return this.live().reduce((n, s) => n + s.count, 0);
  }

  /** p50/p95/p99/max (ms) over the window; all 0 when there were no requests. */
  summary(): LatencySummary {
    const [p50, p95, p99] = this.percentiles([0.5, 0.95, 0.99]);
    const max = this.live().reduce((m, s) => Math.max(m, s.max), 0);
    return { p50: p50!, p95: p95!, p99: p99!, max };
  }

  /** Nearest-rank percentiles (q in 0..1, ascending order is not required) within ≈2 % of the exact value. */
  percentiles(qs: readonly number[]): number[] {
    const live = this.live();
    const total = live.reduce((n, s) => n + s.count, 0);
    if (total === 0) return qs.map(() => 0);
    const max = live.reduce((m, s) => Math.max(m, s.max), 0);
    const min = live.reduce((m, s) => Math.min(m, s.min), Infinity);
    const merged = new Float64Array(BUCKETS);
    for (const s of live) for (let i = 0; i < BUCKETS; i++) merged[i]! += s.counts[i]!;
    const order = qs.map((q, i) => [q, i] as const).sort((a, b) => a[0] - b[0]);
    const out = new Array<number>(qs.length).fill(0);
    let cumulative = 0;
    let b = 0;
    for (const [q, idx] of order) {
      const rank = Math.max(1, Math.ceil(q * total));
      if (rank >= total) {
        out[idx] = max; // the top rank is the maximum, which is known exactly
        continue;
      }
      while (b < BUCKETS && cumulative + merged[b]! < rank) cumulative += merged[b++]!;
      // The exact min and max are known, so never report a bucket midpoint outside them.
      out[idx] = Math.min(max, Math.max(min, bucketValue(Math.min(b, BUCKETS - 1))));
    }
    return out;
  }

  private live(): Slot[] {
    const current = Math.floor(this.now() / this.slotMs);
    const oldest = current - this.slots.length + 1;
    return this.slots.filter((s) => s.epoch >= oldest && s.epoch <= current);
  }
}

/** Prometheus' default buckets (seconds): what Grafana dashboards expect for request durations. */
const DEFAULT_DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Cumulative since start (Prometheus counters never go down). counts[i] is non-cumulative; the last is +Inf. */
export class FixedBuckets {
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[] = DEFAULT_DURATION_BUCKETS_S) {
    this.bounds = [...bounds].sort((a, b) => a - b);
    this.counts = new Float64Array(this.bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++; // ≤ 12 comparisons; le is inclusive
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}
