// A bounded ring of records with increasing sequence numbers: old ones fall off (past `capacity` records, or
// past the byte budget when one is given), paging is by seq.
import { RingBuffer, type ByteBudget } from '../logging/ring-buffer.js';

export class Ring<T> {
  private readonly buf: RingBuffer<T & { seq: number }>;
  private lastSeq = 0;

  constructor(
    readonly capacity: number,
    private readonly nextSeq?: () => number,
    budget?: ByteBudget<T>,
  ) {
    this.buf = new RingBuffer<T & { seq: number }>(capacity, budget);
  }

  push(item: T): T & { seq: number } {
    const seq = this.nextSeq ? this.nextSeq() : this.lastSeq + 1;
    this.lastSeq = seq;
    const rec = Object.assign({}, item, { seq }) as T & { seq: number };
    this.buf.push(rec);
    return rec;
  }

  get latestSeq(): number {
    return this.lastSeq;
  }

  get size(): number {
    return this.buf.size;
  }

  /** What the records held weigh, by the budget's sizeOf (0 without a budget). */
  get bytes(): number {
    return this.buf.bytes;
  }

  /** Oldest first. */
  toArray(): (T & { seq: number })[] {
    return this.buf.toArray();
  }

  /** Seq of the oldest record still held (0 when empty). */
  get oldestSeq(): number {
    return this.buf.oldest()?.seq ?? 0;
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
