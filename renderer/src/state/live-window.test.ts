import { describe, expect, it } from 'vitest';
import { anchorAt, FOLLOW, fixedGeometry, measuredGeometry, planWindow } from './live-window';

const keysFrom = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);

describe('planWindow', () => {
  it('following: the offset puts the newest row at the bottom and the rows painted cover that offset', () => {
    for (const n of [50, 500, 10_000]) {
      const keys = keysFrom(0, n);
      const g = fixedGeometry(n, 28, 28);
      const p = planWindow(FOLLOW, keys, g, 560, 0);
      expect(p.offset).toBe(28 + n * 28 - 560);
      expect(p.last).toBe(n - 1);
      expect(g.top(p.first)).toBeLessThanOrEqual(p.offset + 28);
    }
  });

  it('scrolled up: the anchored row keeps its screen position when rows are trimmed above and added below', () => {
    const g1 = fixedGeometry(1000, 28, 28);
    const keys1 = keysFrom(0, 1000);
    const anchor = anchorAt(10_000, planWindow(FOLLOW, keys1, g1, 560, 0).maxOffset, keys1, g1);
    const before = planWindow(anchor, keys1, g1, 560, 0);
    const rowBefore = anchor.kind === 'row' ? anchor.key : -1;
    const screenBefore = g1.top(keys1.indexOf(rowBefore)) - before.offset;
    // 300 rows trimmed above, 300 added below (the cap holds the count).
    const keys2 = keysFrom(300, 1000);
    const after = planWindow(anchor, keys2, g1, 560, 0);
    expect(g1.top(keys2.indexOf(rowBefore)) - after.offset).toBe(screenBefore);
    expect(after.first).toBeLessThanOrEqual(keys2.indexOf(rowBefore));
  });

  it('measured rows: the offset follows true heights and the window covers the viewport', () => {
    const keys = keysFrom(0, 200);
    const g = measuredGeometry(200, (i) => (i % 3 === 0 ? 60 : 20));
    const p = planWindow(FOLLOW, keys, g, 300, 0);
    expect(p.offset).toBe(g.top(200) - 300);
    expect(g.top(p.first)).toBeLessThanOrEqual(p.offset);
    expect(g.top(p.last + 1)).toBeGreaterThanOrEqual(p.offset + 300);
  });

  it('everything fits: following, offset 0', () => {
    const p = planWindow({ kind: 'row', key: 3, delta: 0 }, keysFrom(0, 5), fixedGeometry(5, 28), 560, 0);
    expect(p).toMatchObject({ offset: 0, following: true, first: 0, last: 4 });
  });
});
