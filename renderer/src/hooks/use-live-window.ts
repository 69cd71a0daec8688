// A live list's scroll position and painted rows, decided in the render that paints them (see
// state/live-window.ts): the render plans the offset from the reader's anchor, renders the rows for that offset,
// and a layout effect moves the scroll position there before the browser paints. Rows of differing height are
// measured after layout and, if a height was off, planned again before paint.
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import {
  anchorAt,
  FOLLOW,
  rowAnchor,
  fixedGeometry,
  measuredGeometry,
  planWindow,
  revealRow,
  type Anchor,
  type Geometry,
  type WindowPlan,
} from '../state/live-window';

export interface LiveWindowOptions {
  /** Stable, ascending key of each row. */
  readonly keys: readonly number[];
  /** Every row this tall; without it rows are measured (attribute `data-key` on each rendered row). */
  readonly rowHeight?: number;
  readonly estimate?: number;
  readonly padTop?: number;
  readonly overscanPx?: number;
  /**
   * Rows painted above the viewport while following (default overscanPx). Following a fast stream, every update
   * brings a fresh window of rows: rows painted out of sight cost style, layout and paint for nothing, while the
   * first frames of a wheel scroll up need only a few (the scroll then renders the full overscan before painting).
   */
  readonly followOverscanPx?: number;
  /** Told the key of the first row in view while scrolled up (null while following), so the store keeps it. */
  readonly onHold?: (key: number | null) => void;
}

export interface LiveWindow {
  readonly scrollRef: RefObject<HTMLDivElement | null>;
  readonly plan: WindowPlan;
  readonly geometry: Geometry;
  readonly following: boolean;
  /** A press that held the list is still down: show nothing new over the rows (the way back to the newest). */
  readonly pressing: boolean;
  readonly onScroll: () => void;
  /** Wheel up while following leaves the tail at once (a tail moving every frame would pull it back). */
  readonly onWheel: (e: { readonly deltaY: number }) => void;
  /**
   * A press in the list while following holds the rows on screen where they are, so the row under the pointer is
   * still there on release (following at hundreds of rows a second, it had moved away and the click hit no row);
   * the click that ends the press (after the row's own handler) goes back to following, unless the reader
   * scrolled in between.
   */
  readonly onPointerDown: (e: { readonly button: number }) => void;
  readonly onClick: () => void;
  follow(): void;
  reveal(index: number): void;
  /** Puts row `index` at the top of the visible area and holds it there (leaves following): a jump to a time. */
  showAtTop(index: number): void;
}

export function useLiveWindow({
  keys,
  rowHeight,
  estimate = 20,
  padTop = 0,
  overscanPx = 400,
  followOverscanPx = overscanPx,
  onHold,
}: LiveWindowOptions): LiveWindow {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [viewport, setViewport] = useState(0);
  const [width, setWidth] = useState(0);
  const anchor = useRef<Anchor>(FOLLOW);
  const heights = useRef(new Map<number, number>());
  const written = useRef<number | null>(null);

  const geometry =
    rowHeight !== undefined
      ? fixedGeometry(keys.length, rowHeight, padTop)
      : measuredGeometry(keys.length, (i) => heights.current.get(keys[i]!) ?? estimate, padTop);
  // Until the viewport is measured, plan for a tall one so the first paint is not empty.
  const overscan = anchor.current.kind === 'follow' ? followOverscanPx : overscanPx;
  const plan = planWindow(anchor.current, keys, geometry, viewport || 2000, overscan);
  const latest = useRef({ plan, keys, geometry, viewport });
  latest.current = { plan, keys, geometry, viewport };

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      setViewport(el.clientHeight);
      setWidth(el.clientWidth);
    };
    measure();
    // The layout above the list changes height (a toolbar wrapping a line, a notice): observers run after
    // layout and before paint, so re-plan synchronously here. A state update left to React's scheduler
    // would render after this frame is painted, with the rows planned for the old viewport (a blank
    // strip, or the newest row hidden below the bottom while following).
    const ro = new ResizeObserver(() => flushSync(measure));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Wrapped rows change height with the width: measure them again.
  useLayoutEffect(() => {
    heights.current.clear();
  }, [width]);

  // Every render: paint at the planned offset, then check the measured heights against the plan.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (Math.abs(el.scrollTop - plan.offset) >= 1) {
      el.scrollTop = plan.offset;
      written.current = el.scrollTop;
    }
    if (rowHeight !== undefined) return;
    let off = false;
    for (const row of el.querySelectorAll<HTMLElement>('[data-key]')) {
      const key = Number(row.dataset.key);
      const h = row.getBoundingClientRect().height;
      if (h > 0 && Math.abs((heights.current.get(key) ?? estimate) - h) > 0.5) {
        heights.current.set(key, h);
        off = true;
      }
    }
    // Forget rows trimmed away.
    if (heights.current.size > keys.length * 2 + 100) {
      const oldest = keys[0] ?? Infinity;
      for (const k of heights.current.keys()) if (k < oldest) heights.current.delete(k);
    }
    if (off) rerender(); // synchronous before paint: the plan is redone with true heights
  });

  const held = plan.following || keys.length === 0 ? null : keys[geometry.indexAt(plan.offset + padTop)]!;
  useEffect(() => onHold?.(held), [onHold, held]);
  useEffect(() => () => onHold?.(null), [onHold]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const st = el.scrollTop;
    // Our own write echoing back: the anchor already says where we are.
    if (written.current !== null && Math.abs(st - written.current) < 1) {
      written.current = null;
      return;
    }
    written.current = null;
    const { plan: p, keys: k, geometry: g } = latest.current;
    // At the bottom the element can truly scroll to is following, also when the browser clamped the offset
    // for a viewport that grew before the plan caught up with it.
    const next = anchorAt(st, Math.min(p.maxOffset, el.scrollHeight - el.clientHeight), k, g);
    if (next.kind === 'follow' && anchor.current.kind === 'follow') return;
    anchor.current = next;
    // Render the rows for where the reader scrolled before the browser paints there.
    flushSync(rerender);
  }, []);

  // Hold the rows on screen now (leave following); a scroll that follows moves from here (onScroll takes it up).
  const holdHere = useCallback(() => {
    if (!scrollRef.current || anchor.current.kind !== 'follow') return;
    const { plan: p, keys: k, geometry: g } = latest.current;
    anchor.current = rowAnchor(p.offset, k, g);
    // With the full overscan above, painted before the scroll moves there.
    if (followOverscanPx < overscanPx) flushSync(rerender);
  }, [followOverscanPx, overscanPx]);
  const onWheel = useCallback((e: { readonly deltaY: number }) => e.deltaY < 0 && holdHere(), [holdHere]);
  const pressHold = useRef<Anchor | null>(null);
  // While the button is down, nothing new may appear under the pointer: the "↓ Latest" button of a held list sits
  // over the newest row, and a release on it was no click on the row.
  const pressing = useRef(false);
  const onPointerDown = useCallback(
    (e: { readonly button: number }) => {
      if (e.button !== 0 || anchor.current.kind !== 'follow') return;
      pressing.current = true;
      holdHere();
      pressHold.current = anchor.current;
      const release = (): void => {
        window.removeEventListener('pointerup', release);
        window.removeEventListener('pointercancel', release);
        pressing.current = false;
        rerender(); // released away from a row (no click): the held list shows its way back
      };
      window.addEventListener('pointerup', release);
      window.addEventListener('pointercancel', release);
    },
    [holdHere],
  );
  const onClick = useCallback(() => {
    const held = pressHold.current;
    pressHold.current = null;
    if (held !== null && anchor.current === held) {
      anchor.current = FOLLOW;
      rerender();
    }
  }, []);

  const follow = useCallback(() => {
    anchor.current = FOLLOW;
    rerender();
  }, []);

  const reveal = useCallback((index: number) => {
    const { plan: p, keys: k, geometry: g, viewport: v } = latest.current;
    anchor.current = revealRow(index, p, k, g, v || 2000);
    rerender();
  }, []);

  const showAtTop = useCallback((index: number) => {
    const { keys: k } = latest.current;
    if (index < 0 || index >= k.length) return;
    anchor.current = { kind: 'row', key: k[index]!, delta: 0 };
    rerender();
  }, []);

  return {
    scrollRef,
    plan,
    geometry,
    following: plan.following,
    pressing: pressing.current,
    onScroll,
    onWheel,
    onPointerDown,
    onClick,
    follow,
    reveal,
    showAtTop,
  };
}
