// Restart back-off, the one implementation: how long to wait before bringing back something that died (a worker,
// a gateway process) or retrying something that failed (a log file's reopen). Quick failures in a row double the
// wait up to a cap; one that stayed up a while starts the count over, so one crash a day never waits long.

export interface BackoffPolicy {
  /** Failures in a row answered at once, before the waiting starts (a worker's first crash restarts at once). */
  readonly immediate: number;
  /** The first wait, doubled per further failure in a row. */
  readonly firstMs: number;
  readonly maxMs: number;
  /** Up at least this long: its failure counts as the first in a row again. */
  readonly resetAfterMs: number;
}

/** Workers (supervisor/arbiter.ts): at once, then 0.1 s doubling to 30 s; 10 s up starts over. */
export const WORKER_BACKOFF: BackoffPolicy = { immediate: 1, firstMs: 100, maxMs: 30_000, resetAfterMs: 10_000 };

/**
 * Gateway processes (runtime/sharded-runtime.ts): 0.1 s doubling to 30 s; 30 s up starts over. The first replacement
 * already waits (the other gateway processes serve meanwhile), as the sharded runtime did before this module.
 */
export const GATEWAY_PROCESS_BACKOFF: BackoffPolicy = { immediate: 0, firstMs: 100, maxMs: 30_000, resetAfterMs: 30_000 };

/** The wait after the `failures`-th failure in a row (1-based). */
function backoffDelay(failures: number, policy: BackoffPolicy): number {
  if (failures <= policy.immediate) return 0;
  return Math.min(policy.maxMs, policy.firstMs * 2 ** (failures - policy.immediate - 1));
}

/** One thing's failures in a row. */
export class Backoff {
  private failures = 0;

  constructor(private readonly policy: BackoffPolicy) {}

  /** It failed after `upMs` of running (0: it never ran): the wait before the next try. */
  next(upMs = 0): number {
    this.failures = upMs > this.policy.resetAfterMs ? 1 : this.failures + 1;
    return backoffDelay(this.failures, this.policy);
  }

  /** It ended well (a worker's own clean exit): the next failure is the first in a row. */
  reset(): void {
    this.failures = 0;
  }
}
