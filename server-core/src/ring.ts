// Bounded history, the one implementation: the newest items, each numbered with a sequence number (1, 2, 3, …,
// never reused), oldest falling off past a count and, when a byte budget is given, past a weight. Every history
// Gantry keeps uses it: an app's access entries, output and events (host/app-logs.ts), the event stream's resume
// window (host/event-hub.ts), request headers (logging/header-keeper.ts), a worker's stderr tail, notices.
//
// Storage grows as items come (up to `capacity`), so a large bound that is never reached costs nothing; once full,
// a push overwrites the oldest in place: no shifting, no splicing.

export interface RingOptions<T> {
  /** At most this many items. */
  readonly capacity: number;
  /** With `sizeOf`: at most this much weight held. The newest item always stays, even alone over it. */
  readonly maxBytes?: number;
  readonly sizeOf?: (item: T) => number;
  /** Told of each item that falls off (the header keeper lets go of what the item refers to). */
  readonly onEvict?: (item: T) => void;
}

/** A page of a ring, by sequence number. */
export interface RingPage<T> {
  readonly items: T[];
  /** The seq to pass as `before` for the next older page; null when nothing older matched. */
  readonly nextBefore: number | null;
  readonly latestSeq: number;
}

export class Ring<T> {
  readonly capacity: number;
  private items: Array<T | undefined> = [];
  private sizes: number[] | null;
  /** Index of the oldest item in `items`. */
  private start = 0;
  private count = 0;
  private held = 0;
  private last = 0;

  constructor(private readonly options: RingOptions<T>) {
    this.capacity = Math.max(1, options.capacity);
    this.sizes = options.sizeOf && options.maxBytes !== undefined ? [] : null;
  }

  /** Adds the newest item; returns its sequence number. */
  push(item: T): number {
    if (this.count === this.capacity) this.dropOldest();
    if (this.count === this.items.length) this.grow();
    const at = (this.start + this.count) % this.items.length;
    this.items[at] = item;
    this.count++;
    this.last++;
    if (this.sizes !== null) {
      const size = this.options.sizeOf!(item);
      this.sizes[at] = size;
      this.held += size;
      while (this.held > this.options.maxBytes! && this.count > 1) this.dropOldest();
    }
    return this.last;
  }

  /** The seq the next push gets. */
  get nextSeq(): number {
    return this.last + 1;
  }

  /** The seq of the newest item ever pushed (0 before the first), whether or not it is still held. */
  get latestSeq(): number {
    return this.last;
  }

  /** The seq of the oldest item held; 0 when empty. */
  get oldestSeq(): number {
    return this.count === 0 ? 0 : this.last - this.count + 1;
  }

  get size(): number {
    return this.count;
  }

  /** The oldest item held. */
  get oldest(): T | undefined {
    return this.count === 0 ? undefined : this.at(0);
  }

  /** What the items held weigh, by `sizeOf` (0 without a byte budget). */
  get bytes(): number {
    return this.held;
  }

  /** Oldest first; with `limit`, only the newest `limit`. */
  toArray(limit = this.count): T[] {
    const n = Math.max(0, Math.min(limit, this.count));
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.at(this.count - n + i);
    return out;
  }

  /**
   * The items with seq > afterSeq, oldest first (at most `limit`), and the seqs between that fell off before they
   * were read. A seq from the future was numbered by an earlier ring (a restarted server): everything held is new.
   */
  since(afterSeq: number, limit = Infinity): { items: T[]; missed: { readonly fromSeq: number; readonly toSeq: number } | null } {
    const oldest = this.count === 0 ? this.last + 1 : this.oldestSeq;
    const future = afterSeq > this.last;
    const missed = !future && afterSeq + 1 < oldest && afterSeq < this.last ? { fromSeq: afterSeq + 1, toSeq: oldest - 1 } : null;
    const skip = future ? 0 : Math.max(0, afterSeq + 1 - oldest);
    const n = Math.max(0, Math.min(limit, this.count - skip));
    const items = new Array<T>(n);
    for (let i = 0; i < n; i++) items[i] = this.at(skip + i);
    return { items, missed };
  }

  /**
   * Matching items, newest first with seq < before (or from the newest), or oldest first with seq > after (a tail);
   * at most `limit` (default 200) and, in a ring with a byte budget, at most `maxBytes` of weight (the first item
   * always, even alone over it, so paging never stalls).
   */
  page(
    match: (item: T) => boolean,
    opts: { readonly before?: number; readonly after?: number; readonly limit?: number; readonly maxBytes?: number },
  ): RingPage<T> {
    const limit = opts.limit ?? 200;
    const maxBytes = this.sizes === null ? Infinity : (opts.maxBytes ?? Infinity);
    const out: T[] = [];
    const full = (bytes: number, i: number): boolean => out.length >= limit || (out.length > 0 && bytes + this.sizeAt(i) > maxBytes);
    let bytes = 0;
    const oldest = this.oldestSeq;
    if (opts.after !== undefined) {
      for (let i = Math.max(0, opts.after + 1 - oldest); i < this.count; i++) {
        const item = this.at(i);
        if (!match(item)) continue;
        if (full(bytes, i)) break;
        out.push(item);
        bytes += this.sizeAt(i);
      }
      return { items: out, nextBefore: null, latestSeq: this.last };
    }
    let i = opts.before === undefined ? this.count - 1 : Math.min(this.count, opts.before - oldest) - 1;
    let lastSeq = 0;
    for (; i >= 0; i--) {
      const item = this.at(i);
      if (!match(item)) continue;
      if (full(bytes, i)) return { items: out, nextBefore: out.length > 0 ? lastSeq : null, latestSeq: this.last };
      out.push(item);
      bytes += this.sizeAt(i);
      lastSeq = oldest + i;
    }
    return { items: out, nextBefore: null, latestSeq: this.last };
  }

  /** What the i-th oldest item held weighs (0 without a byte budget). */
  private sizeAt(i: number): number {
    return this.sizes === null ? 0 : this.sizes[(this.start + i) % this.items.length]!;
  }

  /** The i-th oldest item held (0-based). */
  private at(i: number): T {
    return this.items[(this.start + i) % this.items.length] as T;
  }

  private dropOldest(): void {
    const item = this.items[this.start] as T;
    this.items[this.start] = undefined;
    if (this.sizes !== null) this.held -= this.sizes[this.start]!;
    this.start = (this.start + 1) % this.items.length;
    this.count--;
    this.options.onEvict?.(item);
  }

  /** Room for more, oldest first at index 0: doubling, up to the capacity. */
  private grow(): void {
    const length = Math.min(this.capacity, Math.max(16, this.items.length * 2));
    const items = new Array<T | undefined>(length);
    const sizes = this.sizes === null ? null : new Array<number>(length);
    for (let i = 0; i < this.count; i++) {
      const from = (this.start + i) % this.items.length;
      items[i] = this.items[from];
      if (sizes !== null) sizes[i] = this.sizes![from]!;
    }
    this.items = items;
    this.sizes = sizes;
    this.start = 0;
  }
}
