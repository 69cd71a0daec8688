// Crash-restart back-off: the first restart is immediate, then 0.1 s doubling to 30 s. A worker that stayed
// up for a while resets the count, so one crash a day never waits long.

export const BACKOFF_RESET_AFTER_MS = 10_000;
const BASE_MS = 100;
const MAX_MS = 30_000;

/** Delay before restarting after the `crashes`-th consecutive crash (1-based). */
export function backoffDelay(crashes: number): number {
  if (crashes <= 1) return 0;
  return Math.min(MAX_MS, BASE_MS * 2 ** (crashes - 2));
}
