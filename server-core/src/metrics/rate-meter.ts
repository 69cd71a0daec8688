// Requests per second over the last few seconds, for MetricsSnapshot.rate and the UI's sparkline.
// Wiring: app-metrics.ts calls mark() per request; anyone may keep their own (e.g. per worker).
// One counter per second in a ring: mark() is an increment, rate() reads windowSeconds+1 numbers.

export interface RateMeterOptions {
  /** Seconds averaged over. Default 5. */
  readonly windowSeconds?: number;
  /** Clock in ms. Default performance.now. */
  readonly now?: () => number;
}

export class RateMeter {
  private readonly window: number;
  private readonly now: () => number;
  private readonly counts: Float64Array;
  private readonly stamps: Float64Array; // which second each ring cell holds
  private readonly startedAt: number;

  constructor(options: RateMeterOptions = {}) {
    this.window = Math.max(1, Math.floor(options.windowSeconds ?? 5));
    this.now = options.now ?? (() => performance.now());
    this.counts = new Float64Array(this.window + 1);
    this.stamps = new Float64Array(this.window + 1).fill(-Infinity);
    this.startedAt = this.now();
  }

  mark(n = 1): void {
    const sec = Math.floor(this.now() / 1000);
    const i = sec % this.counts.length;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
  }

  /**
   * Events per second over the last `windowSeconds` (the current, partial second included, weighted by how
   * much of it has passed). A meter younger than the window divides by its age, but by at least one second so
   * the first request does not read as thousands per second.
   */
  rate(): number {
    const t = this.now();
    const sec = Math.floor(t / 1000);
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const s = this.stamps[i]!;
      if (s > sec - this.window && s <= sec) total += this.counts[i]!;
    }
    const span = Math.min(this.window - 1 + (t / 1000 - sec), (t - this.startedAt) / 1000);
    return total / Math.max(1, span);
  }
}
