// Keeps the filtered subset of a RowStore snapshot up to date incrementally: on each batch only the new
// rows are tested and trimmed rows are dropped from the front, so filtering 10k rows costs nothing per
// frame. A filter change (new predicate) recomputes once and starts a new epoch.
import type { RowSnapshot } from './row-store';

export interface FilteredRows<T> {
  readonly rows: readonly T[];
  /** Sequence number (RowStore `dropped + index`) of each filtered row; stable keys. */
  readonly seqs: readonly number[];
  /** Filtered rows removed from the front during this epoch (a table shifts its scroll by this). */
  readonly trimmed: number;
  /** Filtered rows added in front (older history loaded) during this epoch. */
  readonly prepended: number;
  /** Changes when the view was recomputed from scratch. */
  readonly epoch: number;
}

export class FilteredView<T> {
  private predicate: ((row: T) => boolean) | null = null;
  private rows: T[] = [];
  private seqs: number[] = [];
  /** Sequence number one past the last source row already tested. */
  private nextSeq = 0;
  private trimmed = 0;
  private prepended = 0;
  /** Sequence number of the first source row already tested. */
  private firstSeq = 0;
  private epoch = 0;
  private source: readonly T[] | null = null;
  private result: FilteredRows<T> = { rows: [], seqs: [], trimmed: 0, prepended: 0, epoch: 0 };

  update(snapshot: RowSnapshot<T>, predicate: (row: T) => boolean): FilteredRows<T> {
    const { rows: src, dropped } = snapshot;
    if (predicate === this.predicate && src === this.source) return this.result;
    const end = dropped + src.length;
    let changed = false;
    if (predicate !== this.predicate || this.nextSeq < dropped || this.nextSeq > end) {
      this.rows = [];
      this.seqs = [];
      this.nextSeq = dropped;
      this.firstSeq = dropped;
      this.trimmed = 0;
      this.prepended = 0;
      this.epoch++;
      changed = true;
    }
    if (dropped < this.firstSeq) {
      // Older rows were put in front: test just those.
      const preRows: T[] = [];
      const preSeqs: number[] = [];
      for (let seq = dropped; seq < this.firstSeq; seq++) {
        const row = src[seq - dropped]!;
        if (predicate(row)) {
          preRows.push(row);
          preSeqs.push(seq);
        }
      }
      if (preRows.length > 0) {
        this.rows = preRows.concat(this.rows);
        this.seqs = preSeqs.concat(this.seqs);
        this.prepended += preRows.length;
        changed = true;
      }
    }
    this.firstSeq = dropped;
    let cut = 0;
    while (cut < this.seqs.length && this.seqs[cut]! < dropped) cut++;
    if (cut > 0) {
      this.rows = this.rows.slice(cut);
      this.seqs = this.seqs.slice(cut);
      this.trimmed += cut;
      changed = true;
    }
    const addRows: T[] = [];
    const addSeqs: number[] = [];
    for (let seq = this.nextSeq; seq < end; seq++) {
      const row = src[seq - dropped]!;
      if (predicate(row)) {
        addRows.push(row);
        addSeqs.push(seq);
      }
    }
    this.nextSeq = end;
    this.predicate = predicate;
    this.source = src;
    if (addRows.length > 0) {
      this.rows = this.rows.concat(addRows);
      this.seqs = this.seqs.concat(addSeqs);
      changed = true;
    }
    if (changed) this.result = { rows: this.rows, seqs: this.seqs, trimmed: this.trimmed, prepended: this.prepended, epoch: this.epoch };
    return this.result;
  }
}
