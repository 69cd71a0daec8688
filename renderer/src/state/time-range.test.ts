// @vitest-environment node
// Times typed in the logs' toolbars, read as local clock times (the zone the Time columns show).
import { describe, expect, it } from 'vitest';
import { compileTimeRange, firstAtOrAfter, hasTimeRange, isBadTime, timeBound } from './time-range';

const at = (local: string) => new Date(local).getTime();

describe('time-range', () => {
  it('reads a datetime-local value as its first millisecond, or its last with "end"', () => {
    expect(timeBound('2026-12-04T10:00:30')).toBe(at('2026-12-04T10:00:30'));
    expect(timeBound('2026-12-04T10:00', 'end')).toBe(at('2026-12-04T10:00:00') + 59_999);
    expect(timeBound('2026-12-04T10:00:30.000', 'end')).toBe(at('2026-12-04T10:00:30') + 999);
    expect(timeBound('')).toBeNull();
    expect(timeBound('yesterday')).toBeNull();
    expect(isBadTime('')).toBe(false);
    expect(isBadTime('2026-12-04T1')).toBe(true);
    expect(hasTimeRange('', '2026-12-04T10:00')).toBe(true);
    expect(hasTimeRange('', 'x')).toBe(false);
  });

  it('a range takes both ends whole; no bound is no range', () => {
    const inRange = compileTimeRange('2026-12-04T10:00:30', '2026-12-04T10:01')!;
    expect(inRange(at('2026-12-04T10:00:29.999'))).toBe(false);
    expect(inRange(at('2026-12-04T10:00:30'))).toBe(true);
    expect(inRange(at('2026-12-04T10:01:59.999'))).toBe(true);
    expect(inRange(at('2026-12-04T10:02'))).toBe(false);
    expect(compileTimeRange('', 'nope')).toBeNull();
  });

  it('finds the first row at or after a time, in table order (times there are only nearly sorted)', () => {
    const rows = [10, 20, 35, 30, 40].map((time) => ({ time }));
    expect(firstAtOrAfter(rows, 0)).toBe(0);
    expect(firstAtOrAfter(rows, 20)).toBe(1);
    expect(firstAtOrAfter(rows, 31)).toBe(2); // the row at 35 finished before the one at 30
    expect(firstAtOrAfter(rows, 41)).toBe(-1);
    expect(firstAtOrAfter([], 0)).toBe(-1);
    // Among the rows the filters leave.
    expect(firstAtOrAfter(rows, 20, (r) => r.time !== 20)).toBe(2);
  });
});
