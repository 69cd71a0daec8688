// Bounding a wait: every "stop, but not forever" in Gantry (a shard's reply and exit, a Host app's graceful stop,
// the desktop's quit) races the same timer here, so each is cleared when the work wins and clamped by timerMs().
import { timerMs } from './timer-ms.js';

export const TIMED_OUT: unique symbol = Symbol('timed out');

export interface WithinOptions {
  /** Let the process exit while only this timer is pending (the desktop's quit must never be held open by it). */
  readonly unref?: boolean;
}

/**
 * Settles as `work` does (a rejection is passed on), or resolves to TIMED_OUT when `work` has not settled within
 * `ms`. The timer is cleared either way.
 */
export async function within<T>(work: Promise<T>, ms: number, options: WithinOptions = {}): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timerMs(ms));
    if (options.unref) timer.unref();
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
