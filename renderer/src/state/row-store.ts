// A live, capped list of rows fed faster than React should render: incoming rows wait in a pending
// batch and are applied at most once per animation frame; past `cap` the oldest rows are dropped.
// `dropped` counts rows removed from the front of the shown list, so shown row i has the stable
// sequence number dropped + i and a table can keep its scroll position when the front is trimmed.

export interface RowSnapshot<T> {
  readonly rows: readonly T[];
  /** Shown rows removed from the front so far (the sequence number of rows[0]). */
  readonly dropped: number;
  /** Rows received while paused, waiting to be shown. */
  readonly pending: number;
  /** Rows that never reached the table because more than `cap` arrived while paused. */
  readonly skipped: number;
  readonly paused: boolean;
}

export type Scheduler = (flush: () => void) => () => void;

/** requestAnimationFrame when there is a document, else a timer (tests, background). */
const frameScheduler: Scheduler = (flush) => {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(flush, 16);
  return () => clearTimeout(id);
};

export interface RowStoreOptions {
  readonly cap: number;
  readonly schedule?: Scheduler;
  /**
   * Least time between two updates (ms). A row after a quiet spell shows at the next frame; under sustained
   * traffic the table moves a few times a second instead of every frame: each update repaints the whole viewport,
   * and on a small machine that painting is CPU the app being watched does not get.
   */
  readonly minIntervalMs?: number;
  /**
   * Traffic faster than a table can show: when an update brought rows at `rowsPerSecond` or more (its rows over the
   * time since the update before), the next one waits `intervalMs` instead of minIntervalMs. At that rate every
   * update replaces all the visible rows, so no row stays readable longer at five updates a second than at two, and
   * each update costs the browser the same (docs/performance.md: Chromium's CPU follows the updates, not the rows).
   * Below it again, the next update is back to minIntervalMs.
   */
  readonly busy?: { readonly rowsPerSecond: number; readonly intervalMs: number };
  /** Clock for minIntervalMs (tests). */
  readonly now?: () => number;
}

export class RowStore<T> {
  private rows: T[] = [];
  private pending: T[] = [];
  private dropped = 0;
  private skipped = 0;
  private paused = false;
  /** Sequence number of the first row a reader is looking at: the cap never trims it or anything after it. */
  private floor: number | null = null;
  private cancel: (() => void) | null = null;
  private snapshot: RowSnapshot<T>;
  private readonly listeners = new Set<() => void>();
  readonly cap: number;
  private readonly schedule: Scheduler;
  private readonly minIntervalMs: number;
  private readonly busy: RowStoreOptions['busy'];
  private readonly now: () => number;
  private lastUpdate = -Infinity;
  /** Least time from the last update to the next: minIntervalMs, or busy.intervalMs after a busy update. */
  private intervalMs: number;

  constructor(options: RowStoreOptions) {
    this.cap = Math.max(1, options.cap);
    this.schedule = options.schedule ?? frameScheduler;
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.intervalMs = this.minIntervalMs;
    this.busy = options.busy;
    this.now = options.now ?? (() => performance.now());
    this.snapshot = this.makeSnapshot();
  }

  /** An update (rows shown, or the "N new" count while paused) is on its way to the subscribers. */
  get updateScheduled(): boolean {
    return this.cancel !== null;
  }

  /** Queues rows; they appear at the next frame (or on resume when paused). */
  push(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) this.pending.push(item);
    // Never hold more pending rows than the table could show: older ones would be trimmed anyway.
    if (this.pending.length > this.cap) {
      const excess = this.pending.length - this.cap;
      this.pending.splice(0, excess);
      this.skipped += excess;
    }
    // Paused or not, at most one update per frame (and per minIntervalMs): while paused it only refreshes the
    // "N new" count.
    this.cancel ??= this.scheduleUpdate(() => {
      this.cancel = null;
      const now = this.now();
      const sinceLast = now - this.lastUpdate;
      this.lastUpdate = now;
      if (this.paused) return this.publish();
      const waiting = this.pending.length;
      this.flush();
      this.intervalMs = this.nextInterval(waiting - this.pending.length, sinceLast);
    });
  }

  /** The wait after an update that applied `rows` rows, `sinceLast` ms after the one before (see RowStoreOptions.busy). */
  private nextInterval(rows: number, sinceLast: number): number {
    if (!this.busy) return this.minIntervalMs;
    const perSecond = (rows * 1000) / Math.max(1, sinceLast);
    return perSecond >= this.busy.rowsPerSecond ? Math.max(this.minIntervalMs, this.busy.intervalMs) : this.minIntervalMs;
  }

  private scheduleUpdate(update: () => void): () => void {
    const wait = this.lastUpdate + this.intervalMs - this.now();
    if (wait <= 0) return this.schedule(update);
    let cancelFrame: (() => void) | null = null;
    const timer = setTimeout(() => (cancelFrame = this.schedule(update)), wait);
    return () => {
      clearTimeout(timer);
      cancelFrame?.();
    };
  }

  /** Replaces everything (e.g. the history page loaded when the table opens). */
  reset(items: readonly T[]): void {
    this.cancelFlush();
    this.pending = [];
    this.dropped += this.rows.length;
    this.rows = items.length > this.cap ? items.slice(items.length - this.cap) : items.slice();
    this.skipped = 0;
    this.publish();
  }

  /**
   * Puts older rows (oldest first) in front of the shown ones, as many as the cap leaves room for (the newest
   * of them). Returns how many were added. Sequence numbers of the shown rows do not change.
   */
  prepend(items: readonly T[]): number {
    const room = Math.max(0, this.cap - this.rows.length - this.pending.length);
    const add = items.length > room ? items.slice(items.length - room) : items;
    if (add.length === 0) return 0;
    this.rows = add.concat(this.rows);
    this.dropped -= add.length;
    this.publish();
    return add.length;
  }

  /** Applies the pending batch now. */
  flush(): void {
    this.cancelFlush();
    if (this.paused || this.pending.length === 0) return;
    // Rows above a reader's floor may be trimmed; past that, new rows wait (as when paused) rather than take
    // the rows under the reader's eyes away.
    const trimmable = this.floor === null ? Infinity : Math.max(0, Math.min(this.rows.length, this.floor - this.dropped));
    const room = this.cap - this.rows.length + trimmable;
    const admit = Math.min(this.pending.length, Math.max(0, room));
    if (admit === 0) return this.publish();
    const next = this.rows.concat(admit === this.pending.length ? this.pending : this.pending.slice(0, admit));
    this.pending = admit === this.pending.length ? [] : this.pending.slice(admit);
    const trim = Math.max(0, next.length - this.cap);
    this.rows = trim > 0 ? next.slice(trim) : next;
    this.dropped += trim;
    this.publish();
  }

  /** Keeps rows from sequence number `seq` on (a reader scrolled up to them); null lets the cap trim freely. */
  holdFrom(seq: number | null): void {
    if (this.floor === seq) return;
    const released = seq === null || (this.floor !== null && seq > this.floor);
    this.floor = seq;
    if (released && this.pending.length > 0 && !this.paused) this.flush();
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (paused) this.cancelFlush();
    this.publish();
    if (!paused) this.flush();
  }

  clear(): void {
    this.cancelFlush();
    this.dropped += this.rows.length;
    this.rows = [];
    this.pending = [];
    this.skipped = 0;
    this.publish();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): RowSnapshot<T> => this.snapshot;

  private cancelFlush(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private makeSnapshot(): RowSnapshot<T> {
    return { rows: this.rows, dropped: this.dropped, pending: this.pending.length, skipped: this.skipped, paused: this.paused };
  }

  private publish(): void {
    this.snapshot = this.makeSnapshot();
    for (const l of this.listeners) l();
  }
}
