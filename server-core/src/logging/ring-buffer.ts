// A fixed-size ring of the most recent items: the UI's scroll-back without unbounded memory. With a byte
// budget, the oldest items also fall off once the items held add up to more than `maxBytes`.

export interface ByteBudget<T> {
  readonly maxBytes: number;
  sizeOf(item: T): number;
}

export class RingBuffer<T> {
  private readonly items: Array<T | undefined>;
  private readonly sizes: number[] | null;
  private next = 0;
  private count = 0;
  private heldBytes = 0;

  constructor(
    readonly capacity: number,
    private readonly budget?: ByteBudget<T>,
  ) {
    this.items = new Array<T | undefined>(capacity);
    this.sizes = budget ? new Array<number>(capacity).fill(0) : null;
  }

  push(item: T): void {
    if (this.sizes) {
      const size = this.budget!.sizeOf(item);
      if (this.count === this.capacity) this.heldBytes -= this.sizes[this.next]!;
      this.sizes[this.next] = size;
      this.heldBytes += size;
    }
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    if (this.sizes) {
      // The newest item always stays, even alone over budget (the caller bounds each item).
      while (this.heldBytes > this.budget!.maxBytes && this.count > 1) {
        const oldest = (this.next - this.count + this.capacity) % this.capacity;
        this.heldBytes -= this.sizes[oldest]!;
        this.sizes[oldest] = 0;
        this.items[oldest] = undefined;
        this.count--;
      }
    }
  }

  get size(): number {
    return this.count;
  }

  /** What the items held weigh, by the budget's sizeOf (0 without a budget). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** The oldest item held. */
  oldest(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.next - this.count + this.capacity) % this.capacity];
  }

  /** Oldest first; at most `limit` of the newest. */
  toArray(limit = this.count): T[] {
    const n = Math.min(limit, this.count);
    const out: T[] = new Array<T>(n);
    let at = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      out[i] = this.items[at] as T;
      at = (at + 1) % this.capacity;
    }
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.sizes?.fill(0);
    this.next = 0;
    this.count = 0;
    this.heldBytes = 0;
  }
}
