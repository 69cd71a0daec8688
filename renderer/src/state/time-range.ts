// Times typed into the logs' toolbars — "since", "until" (Requests and Output) and "jump to" (Requests) — as
// datetime-local values read in this machine's time zone, the zone the Time columns show. One reading for all.

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A datetime-local value as epoch milliseconds in this machine's time zone: its first millisecond, or with 'end'
 * its last (the inputs name whole minutes or seconds). Null for '' or anything that is not such a time, so a
 * half-typed value filters nothing.
 */
export function timeBound(value: string, side: 'start' | 'end' = 'start'): number | null {
  const m = LOCAL_TIME.exec(value.trim());
  if (!m) return null;
  // The inputs step in whole seconds; milliseconds (some browsers write '.000') are not a finer bound.
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)));
  const t = new Date(y!, mo! - 1, d!, h!, mi!, s ?? 0).getTime();
  if (!Number.isFinite(t)) return null;
  if (side === 'start') return t;
  return t + (s !== undefined ? 1000 : 60_000) - 1;
}

/** A value typed but not (yet) a time: the input says so (aria-invalid) and the bound is not applied. */
export function isBadTime(value: string): boolean {
  return value !== '' && timeBound(value) === null;
}

/** True when either bound is a time. */
export function hasTimeRange(since: string, until: string): boolean {
  return timeBound(since) !== null || timeBound(until) !== null;
}

/** Whether a time (epoch ms) is in [since, until], both ends whole; null when neither bound is set. */
export function compileTimeRange(since: string, until: string): ((time: number) => boolean) | null {
  const from = timeBound(since);
  const to = timeBound(until, 'end');
  if (from === null && to === null) return null;
  return (t) => (from === null || t >= from) && (to === null || t <= to);
}

/**
 * The first row, in the table's order, whose time is at or after `time` (and that `keep` keeps; -1: none). Rows are in the order they
 * finished, so times are only nearly sorted (a slow request started earlier): a scan, not a binary search.
 */
export function firstAtOrAfter<T extends { readonly time: number }>(rows: readonly T[], time: number, keep?: (row: T) => boolean): number {
  for (let i = 0; i < rows.length; i++) if (rows[i]!.time >= time && (!keep || keep(rows[i]!))) return i;
  return -1;
}
