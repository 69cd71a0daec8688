// Node's timers hold at most 2^31-1 ms (about 24.8 days): a longer delay fires after 1 ms instead (with a
// TimeoutOverflowWarning), so a --graceful-timeout of a year cut requests at once. Every delay that comes
// from a setting goes through timerMs(); past the maximum, a timer is as good as never firing.
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function timerMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}
