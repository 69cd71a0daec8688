// Where a live, growing, trimmed list is scrolled to and which rows to paint there — computed together, in one
// place, for the offset that will actually be painted. (A virtualiser that computes its rows for the offset of
// the last scroll event and then has the tail-follower move the scroll position paints the rows for one
// offset at another: blank frames while following, the reader's rows jumping when the cap trims above.)
//
// The reader's place is an anchor: either "following" (the newest row's bottom at the viewport's bottom) or
// a row identity (its stable key) and how far into it the top of the visible area is. Rows added below,
// trimmed above or loaded above change where that row is, never which row is under the reader's eyes.

export type Anchor = { readonly kind: 'follow' } | { readonly kind: 'row'; readonly key: number; readonly delta: number };

export const FOLLOW: Anchor = { kind: 'follow' };

/** Row geometry: the top of row i (content coordinates) for i in 0..count (top(count) is the end). */
export interface Geometry {
  readonly count: number;
  /** Space before the first row (a sticky header in the flow). */
  readonly padTop: number;
  top(i: number): number;
  /** The row whose span contains content y (clamped to 0..count-1). */
  indexAt(y: number): number;
}

export function fixedGeometry(count: number, rowHeight: number, padTop = 0): Geometry {
  return {
    count,
    padTop,
    top: (i) => padTop + i * rowHeight,
    indexAt: (y) => Math.max(0, Math.min(count - 1, Math.floor((y - padTop) / rowHeight))),
  };
}

/** Rows of differing heights: `height(i)` is a measured height or an estimate. O(count) to build. */
export function measuredGeometry(count: number, height: (i: number) => number, padTop = 0): Geometry {
  const tops = new Float64Array(count + 1);
  tops[0] = padTop;
  for (let i = 0; i < count; i++) tops[i + 1] = tops[i]! + height(i);
  return {
    count,
    padTop,
    top: (i) => tops[Math.max(0, Math.min(count, i))]!,
    indexAt: (y) => {
      let lo = 0;
      let hi = count - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (tops[mid]! <= y) lo = mid;
        else hi = mid - 1;
      }
      return Math.max(0, lo);
    },
  };
}

/** First index whose key is >= key, in an ascending key list. */
function lowerBound(keys: readonly number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface WindowPlan {
  /** The scroll offset to paint at. */
  readonly offset: number;
  /** Rows first..last (inclusive) to render; last < first when there are none. */
  readonly first: number;
  readonly last: number;
  readonly total: number;
  readonly maxOffset: number;
  /** The anchor resolved for these rows: 'follow' also when everything fits. */
  readonly following: boolean;
}

/** The offset to paint for an anchor over these rows, and the rows that cover it (plus `overscanPx` each way). */
export function planWindow(anchor: Anchor, keys: readonly number[], g: Geometry, viewport: number, overscanPx: number): WindowPlan {
  const total = g.top(g.count);
  const maxOffset = Math.max(0, total - viewport);
  let offset = maxOffset;
  let following = anchor.kind === 'follow' || maxOffset === 0;
  if (!following && anchor.kind === 'row') {
    const i = lowerBound(keys, anchor.key);
    if (i >= g.count) {
      following = true; // every row at or below the anchor is gone (a filter changed): back to the tail
    } else {
      // A trimmed anchor row leaves the reader at the oldest row still held.
      const delta = keys[i] === anchor.key ? anchor.delta : 0;
      offset = Math.max(0, Math.min(maxOffset, g.top(i) + delta - g.padTop));
    }
  }
  if (g.count === 0) return { offset: 0, first: 0, last: -1, total, maxOffset, following };
  const from = offset + g.padTop - overscanPx;
  const to = offset + viewport + overscanPx;
  const first = g.indexAt(from);
  let last = g.indexAt(to);
  if (g.top(last) >= to && last > first) last--;
  return { offset, first, last, total, maxOffset, following };
}

/** The anchor for a scroll offset the reader chose: the row under the top of the visible area. */
export function anchorAt(offset: number, maxOffset: number, keys: readonly number[], g: Geometry): Anchor {
  if (g.count === 0 || offset >= maxOffset - 2) return FOLLOW;
  return rowAnchor(offset, keys, g);
}

/** The row under the top of the visible area at this offset, even at the bottom (to stop following there). */
export function rowAnchor(offset: number, keys: readonly number[], g: Geometry): Anchor {
  if (g.count === 0) return FOLLOW;
  const y = offset + g.padTop;
  const i = g.indexAt(y);
  return { kind: 'row', key: keys[i]!, delta: y - g.top(i) };
}

/** An anchor that brings row i fully into view with the least movement (or keeps the current one). */
export function revealRow(i: number, current: WindowPlan, keys: readonly number[], g: Geometry, viewport: number): Anchor {
  if (i >= g.count - 1) return FOLLOW;
  const rowTop = g.top(i);
  const rowBottom = g.top(i + 1);
  if (rowTop < current.offset + g.padTop) return { kind: 'row', key: keys[i]!, delta: 0 };
  if (rowBottom > current.offset + viewport) return anchorAt(rowBottom - viewport, current.maxOffset, keys, g);
  return current.following ? FOLLOW : anchorAt(current.offset, current.maxOffset, keys, g);
}
