// A bounded ring of records with increasing sequence numbers: old ones fall off, paging is by seq.
export class Ring<T> {
  private readonly items: (T & { seq: number })[] = [];
  private head = 0; // index of the oldest item once the ring is full
  private lastSeq = 0;

  constructor(readonly capacity: number, private readonly nextSeq?: () => number) {}

  push(item: T): T & { seq: number } {
    const seq = this.nextSeq ? this.nextSeq() : this.lastSeq + 1;
    this.lastSeq = seq;
    const rec = Object.assign({}, item, { seq }) as T & { seq: number };
    if (this.items.length < this.capacity) this.items.push(rec);
    else {
      this.items[this.head] = rec;
      this.head = (this.head + 1) % this.capacity;
    }
    return rec;
  }

  get latestSeq(): number {
    return this.lastSeq;
  }

  get size(): number {
    return this.items.length;
  }

  /** Oldest first. */
  toArray(): (T & { seq: number })[] {
    return this.items.length < this.capacity ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  /** Seq of the oldest record still held (0 when empty). */
  get oldestSeq(): number {
    if (this.items.length === 0) return 0;
    return this.items.length < this.capacity ? this.items[0]!.seq : this.items[this.head]!.seq;
  }

  /**
   * Newest-first page of matching records with seq < before, or oldest-first with seq > after.
   * nextBefore is the seq to pass for the next older page, null when nothing older matched.
   */
  page(match: (r: T & { seq: number }) => boolean, opts: { before?: number; after?: number; limit?: number }): { items: (T & { seq: number })[]; nextBefore: number | null; latestSeq: number } {
    const limit = opts.limit ?? 200;
    const all = this.toArray();
    const out: (T & { seq: number })[] = [];
    if (opts.after !== undefined) {
      for (const r of all) {
        if (r.seq > opts.after && match(r)) {
          out.push(r);
          if (out.length >= limit) break;
        }
      }
      return { items: out, nextBefore: null, latestSeq: this.lastSeq };
    }
    let more = false;
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i]!;
      if (opts.before !== undefined && r.seq >= opts.before) continue;
      if (!match(r)) continue;
      if (out.length >= limit) {
        more = true;
        break;
      }
      out.push(r);
    }
    return { items: out, nextBefore: more && out.length > 0 ? out[out.length - 1]!.seq : null, latestSeq: this.lastSeq };
  }
}
