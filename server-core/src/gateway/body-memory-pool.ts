// The memory that request bodies being buffered may hold at once, across every client of one app in this
// process (--body-buffer-memory). Each body keeps up to SPOOL_MEMORY_LIMIT in memory
// (gateway/request-body-spool.ts); without a total, 1,000 slow uploads would hold 1 GB. Past the total,
// further body bytes go to their temporary file (nginx keeps 8-16 KiB per body, with no total).

export class BodyMemoryPool {
  private held = 0;

  /** Lowering it frees nothing at once: bodies held now keep their share until they are read. */
  constructor(public limit: number) {}

  /** Bytes held now by bodies in memory (buffering, or waiting for a worker). */
  get used(): number {
    return this.held;
  }

  /** Takes `bytes` if they fit under the limit; false (and nothing taken) if not. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
