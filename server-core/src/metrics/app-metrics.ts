// One app's metrics registry: cheap per-request recording, gauges the owner sets, and two read-outs:
// snapshot() (MetricsSnapshot for the UI/control API) and exposition()/prometheus() (Prometheus text).
// Wiring (app-runtime.ts):
//   const metrics = new AppMetrics({ app: name });
//   on each finished request (same place as the access entry):  metrics.record(status, durationMs, workerId)
//   when the dispatcher's numbers change (or just before reading): metrics.setInFlight(n); metrics.setQueueDepth(n)
//   after each supervisor poll (process-stats):                   metrics.setWorkers(supervisor.workers())
//   when a worker is replaced:                                    metrics.recordRestart(reason)
//   AppRuntime.metrics() → metrics.snapshot();  AppRuntime.prometheus() → metrics.prometheus()
import type { MetricsSnapshot, WorkerSnapshot } from '../runtime/types.js';
import { FixedBuckets, LatencyHistogram, type LatencyHistogramOptions } from './latency-histogram.js';
import { renderPrometheus, STATUS_CLASSES, type AppExposition, type StatusClass } from './prometheus.js';
import { RATE_WINDOW_SECONDS } from './rate-window.js';
import { RateMeter } from './rate-meter.js';

export interface AppMetricsOptions {
  readonly app: string;
  /** Monotonic clock in ms for windows and rates. Default performance.now. */
  readonly now?: () => number;
  /** Wall clock in ms for snapshot times. Default Date.now. */
  readonly wallNow?: () => number;
  readonly latencyWindowMs?: number;
  readonly rateWindowSeconds?: number;
  /** Prometheus histogram bounds in seconds. Default: Prometheus' defaults. */
  readonly durationBucketsSeconds?: readonly number[];
}

/** Per worker slot counters, since the app started (a slot keeps its counters across restarts of its process). */
export interface WorkerCounters {
  requests: number;
  errors5xx: number;
  /** Responses this slot's workers left incomplete (AccessEntry.truncated). */
  truncated: number;
  totalDurationMs: number;
  lastDurationMs: number;
}

export function statusClassOf(status: number): StatusClass {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? STATUS_CLASSES[c - 1]! : '5xx'; // nonsense statuses count as server errors
}

export class AppMetrics {
  readonly app: string;
  private readonly latency: LatencyHistogram;
  private readonly buckets: FixedBuckets;
  private readonly rateMeter: RateMeter;
  /** One meter per status class, same window and clock as rateMeter: their rates add up to rate() exactly. */
  private readonly classMeters: Record<StatusClass, RateMeter>;
  private readonly classes: Record<StatusClass, number> = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  private readonly perWorker = new Map<number, WorkerCounters>();
  private readonly restarts: Record<string, number> = {};
  private readonly wallNow: () => number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private requests = 0;
  private restartCount = 0;
  private inFlight = 0;
  private queueDepth = 0;
  /** Responses the client got incomplete (AccessEntry.truncated). */
  private truncated = 0;
  private workers: readonly WorkerSnapshot[] = [];

  constructor(options: AppMetricsOptions) {
    this.app = options.app;
    this.now = options.now ?? (() => performance.now());
    this.wallNow = options.wallNow ?? Date.now;
    const h: LatencyHistogramOptions = { now: this.now, ...(options.latencyWindowMs ? { windowMs: options.latencyWindowMs } : {}) };
    this.latency = new LatencyHistogram(h);
    this.buckets = new FixedBuckets(options.durationBucketsSeconds);
    const rateOptions = { now: this.now, windowSeconds: options.rateWindowSeconds ?? RATE_WINDOW_SECONDS };
    this.rateMeter = new RateMeter(rateOptions);
    this.classMeters = Object.fromEntries(STATUS_CLASSES.map((c) => [c, new RateMeter(rateOptions)])) as Record<StatusClass, RateMeter>;
    this.startedAt = this.now();
  }

  /** Per request, once it is finished. A few increments and one log2: safe on the hot path. */
  record(status: number, durationMs: number, workerId?: number | null, truncated = false): void {
    this.requests++;
    if (truncated) this.truncated++;
    const cls = statusClassOf(status);
    this.classes[cls]++;
    this.classMeters[cls].mark();
    this.latency.record(durationMs);
    this.buckets.observe(durationMs / 1000);
    this.rateMeter.mark();
    if (workerId !== undefined && workerId !== null) {
      let w = this.perWorker.get(workerId);
      if (w === undefined) {
        w = { requests: 0, errors5xx: 0, truncated: 0, totalDurationMs: 0, lastDurationMs: 0 };
        this.perWorker.set(workerId, w);
      }
      w.requests++;
      if (status >= 500) w.errors5xx++;
      if (truncated) w.truncated++;
      w.totalDurationMs += durationMs;
      w.lastDurationMs = durationMs;
    }
  }

  setInFlight(n: number): void {
    this.inFlight = n;
  }

  setQueueDepth(n: number): void {
    this.queueDepth = n;
  }

  /** The supervisor's latest view; used for busy/total, per-state counts, RSS and CPU. */
  setWorkers(workers: readonly WorkerSnapshot[]): void {
    this.workers = workers;
  }

  recordRestart(reason: string): void {
    this.restartCount++;
    this.restarts[reason] = (this.restarts[reason] ?? 0) + 1;
  }

  worker(id: number): Readonly<WorkerCounters> | undefined {
    return this.perWorker.get(id);
  }

  /** After scaling down: the slot is gone for good. */
  forgetWorker(id: number): void {
    this.perWorker.delete(id);
  }

  snapshot(): MetricsSnapshot {
    let busy = 0;
    let total = 0;
    const rss: Record<number, number> = {};
    const rssGeneration: Record<number, number> = {};
    for (const w of this.workers) {
      if (w.state === 'busy') busy++;
      if (w.state === 'idle' || w.state === 'busy' || w.state === 'starting') total++; // serving capacity
      // During a reload a slot has an old and a new process: the chart follows the newest one.
      if (w.rssBytes !== null && w.pid !== null && w.state !== 'exited' && (rssGeneration[w.id] ?? -1) < w.generation) {
        rss[w.id] = w.rssBytes;
        rssGeneration[w.id] = w.generation;
      }
    }
    return {
      time: this.wallNow(),
      requests: this.requests,
      rate: this.rateMeter.rate(),
      latencyMs: this.latency.summary(),
      statusClasses: { ...this.classes },
      statusRates: {
        '1xx': this.classMeters['1xx'].rate(),
        '2xx': this.classMeters['2xx'].rate(),
        '3xx': this.classMeters['3xx'].rate(),
        '4xx': this.classMeters['4xx'].rate(),
        '5xx': this.classMeters['5xx'].rate(),
      },
      inFlight: this.inFlight,
      queueDepth: this.queueDepth,
      workersBusy: busy,
      workersTotal: total,
      restarts: this.restartCount,
      uptimeSeconds: (this.now() - this.startedAt) / 1000,
      workerRssBytes: rss,
    };
  }

  exposition(): AppExposition {
    const byState: Partial<Record<WorkerSnapshot['state'], number>> = {};
    for (const w of this.workers) byState[w.state] = (byState[w.state] ?? 0) + 1;
    const slots = new Set<number>([...this.workers.map((w) => w.id), ...this.perWorker.keys()]);
    const live = new Map(this.workers.filter((w) => w.state !== 'exited').map((w) => [w.id, w]));
    return {
      app: this.app,
      requestsByClass: { ...this.classes },
      truncated: this.truncated,
      duration: {
        bounds: this.buckets.bounds,
        counts: Array.from(this.buckets.counts),
        sumSeconds: this.buckets.sum,
        count: this.buckets.count,
      },
      inFlight: this.inFlight,
      queueDepth: this.queueDepth,
      workersByState: byState,
      workers: [...slots]
        .sort((a, b) => a - b)
        .map((id) => {
          const w = live.get(id);
          return {
            id,
            pid: w?.pid ?? null,
            rssBytes: w?.rssBytes ?? null,
            cpuPercent: w?.cpuPercent ?? null,
            requests: this.perWorker.get(id)?.requests ?? 0,
            truncated: this.perWorker.get(id)?.truncated ?? 0,
          };
        }),
      restartsByReason: { ...this.restarts },
      uptimeSeconds: (this.now() - this.startedAt) / 1000,
    };
  }

  prometheus(): string {
    return renderPrometheus([this.exposition()]);
  }
}
