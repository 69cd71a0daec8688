import { describe, expect, it } from 'vitest';
import { fmtClockTick, fmtMsTick, fmtTick, isolatedPoints, legendValue, MIN_SPAN_S, niceCeil, xRange, yRange } from './chart-scales';

describe('niceCeil', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.3, 0.9, 1, 1.2, 2.2, 3, 7, 12, 240, 260, 999, 1001].map(niceCeil)).toEqual([
      0.5, 1, 1, 2, 2.5, 5, 10, 20, 250, 500, 1000, 2000,
    ]);
  });
  it('gives 1 for nothing sensible', () => {
    expect([0, -3, NaN, Infinity].map(niceCeil)).toEqual([1, 1, 1, 1]);
  });
});

describe('yRange', () => {
  it('runs from 0 to a nice value above the largest sample', () => {
    expect(yRange(3, 97)).toEqual([0, 200]);
    expect(yRange(0.01, 0.42)).toEqual([0, 0.5]);
    expect(yRange(120, 118)).toEqual([0, 200]); // uPlot may pass min > max for one sample; still from 0
  });
  it('is never empty, NaN or zero-height: no data, all zeros, one zero sample', () => {
    for (const [min, max] of [
      [null, null],
      [undefined, undefined],
      [0, 0],
      [NaN, NaN],
      [Infinity, -Infinity],
    ] as const) {
      const [lo, hi] = yRange(min, max);
      expect(Number.isFinite(lo) && Number.isFinite(hi)).toBe(true);
      expect([lo, hi]).toEqual([0, 1]);
    }
  });
  it('keeps a negative value in view rather than cutting it off', () => {
    expect(yRange(-3, 10)).toEqual([-5, 20]);
    expect(yRange(-3, -1)).toEqual([-5, 0]);
  });
  it('a single sample of 1 is drawn below the top, not on the edge', () => {
    const [lo, hi] = yRange(1, 1);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(1);
  });
});

describe('xRange', () => {
  const now = 1_800_000_000;
  it('gives a lone sample a minute-wide axis ending just after it', () => {
    const [lo, hi] = xRange(now - 5, now - 5, now);
    expect(lo).toBe(now - 5 - MIN_SPAN_S);
    expect(hi).toBeGreaterThan(now - 5);
    expect(hi - lo).toBeLessThan(MIN_SPAN_S * 1.05);
  });
  it('spans a longer history as it is', () => {
    const [lo, hi] = xRange(now - 600, now, now);
    expect(lo).toBe(now - 600);
    expect(hi).toBeCloseTo(now + 9, 5);
  });
  it('shows the last minute with no samples, and never a reversed or NaN range', () => {
    expect(xRange(null, null, now)).toEqual([now - MIN_SPAN_S, now + MIN_SPAN_S * 0.015]);
    const [lo, hi] = xRange(now + 10, now, now);
    expect(lo).toBeLessThan(hi);
    expect(Number.isFinite(lo) && Number.isFinite(hi)).toBe(true);
  });
});

describe('isolatedPoints', () => {
  it('marks a lone sample, and samples between gaps, but not points on a line', () => {
    expect(isolatedPoints([5])).toEqual([0]);
    expect(isolatedPoints([null, 3, null, 4, 5, null, 7])).toEqual([1, 6]);
    expect(isolatedPoints([1, 2, 3])).toBeNull();
    expect(isolatedPoints([])).toBeNull();
    expect(isolatedPoints([null, null])).toBeNull();
  });
});

describe('tick labels', () => {
  it('are short at every magnitude', () => {
    expect([0, 0.25, 1.5, 12, 250, 1200, 12_000, 2_500_000].map(fmtTick)).toEqual(['0', '0.25', '1.5', '12', '250', '1.2k', '12k', '2.5M']);
  });
  it('give latency with its unit: ms, and seconds from 1 000 ms (an axis of "400" and "1.5s" read as two scales)', () => {
    expect([0, 0.5, 42, 999, 1000, 1500, 12_345].map(fmtMsTick)).toEqual(['0', '0.5 ms', '42 ms', '999 ms', '1 s', '1.5 s', '12.35 s']);
  });
});

describe('legendValue', () => {
  it('is the value under the cursor, or with the cursor away the newest value (not a dash while there is data)', () => {
    const ys = [1, 2, null, 4, null];
    expect(legendValue(ys, 1)).toBe(2);
    expect(legendValue(ys, 2)).toBeNull();
    expect(legendValue(ys, null)).toBe(4);
    expect(legendValue([null, null], null)).toBeNull();
    expect(legendValue([], null)).toBeNull();
  });
});

describe('fmtClockTick', () => {
  it('labels the time axis on the 24-hour local clock the legend and the tables use, to the second when ticks are', () => {
    const t = new Date(2026, 11, 5, 0, 27, 30).getTime() / 1000;
    expect(fmtClockTick(t, 10)).toBe('00:27:30');
    expect(fmtClockTick(t - 30, 60)).toBe('00:27');
    expect(fmtClockTick(new Date(2026, 11, 5, 13, 5, 0).getTime() / 1000, 300)).toBe('13:05');
  });
});
