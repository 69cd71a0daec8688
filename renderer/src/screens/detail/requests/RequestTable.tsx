// The live, virtualised access-log table. Only the rows in view are in the DOM, so thousands of rows per
// second stay smooth. Scrolling: at the bottom it follows new rows; scrolled up, it stays exactly where it
// is — rows appended below do not move it, and when the cap trims rows above, the scroll position is
// shifted by the same height so the rows under the reader's eyes do not move.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AccessRecord } from '../../../api/contract';
import { fmtBytes, fmtClock, fmtDuration } from '../../../format';
import type { FilteredRows } from '../../../state/filtered-view';
import { statusClass } from '../../../state/request-filters';

export const ROW_HEIGHT = 28;

export interface RequestTableProps {
  readonly view: FilteredRows<AccessRecord>;
  readonly selectedId: string | null;
  readonly onOpen: (row: AccessRecord) => void;
  readonly emptyText: string;
  /** Offered at the top of the table: 'more' when older history can be loaded. */
  readonly older?: 'more' | 'loading' | 'full' | 'none';
  readonly onLoadOlder?: () => void;
}

const COLUMNS = ['Time', 'Method', 'Path', 'Status', 'Duration', 'Size', 'Worker', 'Request ID'] as const;

export function RequestTable({ view, selectedId, onOpen, emptyText, older = 'none', onLoadOlder }: RequestTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [isFollowing, setIsFollowing] = useState(true);
  const lastSeenSeq = useRef<number>(-1);
  const prev = useRef({ trimmed: view.trimmed, prepended: view.prepended, epoch: view.epoch });
  const [atTop, setAtTop] = useState(true);
  const [active, setActive] = useState(-1);
  const { rows, seqs } = view;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    getItemKey: (i) => seqs[i] ?? i,
    paddingStart: ROW_HEIGHT, // room for the sticky header row
    scrollPaddingStart: ROW_HEIGHT,
  });

  // Before paint: keep the reader's place (or follow the tail).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const p = prev.current;
    prev.current = { trimmed: view.trimmed, prepended: view.prepended, epoch: view.epoch };
    if (!el) return;
    if (following.current) {
      el.scrollTop = el.scrollHeight;
      lastSeenSeq.current = seqs.at(-1) ?? -1;
    } else if (p.epoch === view.epoch) {
      // Rows removed above move the content up, older rows added above move it down: undo either.
      const shift = (view.prepended - p.prepended - (view.trimmed - p.trimmed)) * ROW_HEIGHT;
      if (shift !== 0) el.scrollTop = Math.max(0, el.scrollTop + shift);
    }
    // Nothing to scroll (e.g. a filter left a few rows): that is the bottom, so follow again.
    if (!following.current && el.scrollHeight <= el.clientHeight + 1) {
      following.current = true;
      setIsFollowing(true);
      setAtTop(true);
    }
  }, [view, seqs]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
    if (atBottom !== following.current) {
      following.current = atBottom;
      setIsFollowing(atBottom);
    }
    if (atBottom) lastSeenSeq.current = seqs.at(-1) ?? -1;
    setAtTop(el.scrollTop < ROW_HEIGHT);
  }, [seqs]);

  const jumpToEnd = () => {
    following.current = true;
    setIsFollowing(true);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  // Keep the keyboard cursor on the same request when rows are trimmed above it.
  const activeSeq = useRef<number | null>(null);
  useEffect(() => {
    if (activeSeq.current === null) return;
    const i = seqs.indexOf(activeSeq.current);
    setActive(i);
  }, [seqs]);

  const moveActive = (i: number) => {
    if (rows.length === 0) return;
    const n = Math.max(0, Math.min(rows.length - 1, i));
    setActive(n);
    activeSeq.current = seqs[n] ?? null;
    virtualizer.scrollToIndex(n, { align: 'auto' });
    following.current = n === rows.length - 1 && following.current;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const cur = active < 0 ? rows.length - 1 : active;
    const moves: Record<string, number> = { ArrowDown: cur + 1, ArrowUp: cur - 1, PageDown: cur + page, PageUp: cur - page, Home: 0, End: rows.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      if (e.key === 'End') jumpToEnd();
      moveActive(moves[e.key]!);
    } else if ((e.key === 'Enter' || e.key === ' ') && active >= 0 && rows[active]) {
      e.preventDefault();
      onOpen(rows[active]);
    }
  };

  const unseen = isFollowing ? 0 : countAfter(seqs, lastSeenSeq.current);
  const activeRowId = active >= 0 && seqs[active] !== undefined ? `req-${seqs[active]}` : undefined;

  return (
    <div className="req-table-wrap">
      <div
        ref={scrollRef}
        className="req-scroll"
        onScroll={onScroll}
        role="grid"
        aria-label="Requests"
        aria-rowcount={rows.length + 1}
        aria-activedescendant={activeRowId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => active < 0 && rows.length > 0 && setActive(rows.length - 1)}
        data-testid="request-table"
        data-following={isFollowing ? 'true' : 'false'}
      >
        <div className="req-row req-head" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <span key={c} role="columnheader" className={`req-cell c-${c.toLowerCase().replace(/\s+/g, '-')}`}>
              {c}
            </span>
          ))}
        </div>
        <div className="req-body" style={{ height: virtualizer.getTotalSize() - ROW_HEIGHT }}>
          {virtualizer.getVirtualItems().map((v) => {
            const r = rows[v.index]!;
            const cls = statusClass(r.status);
            return (
              <div
                key={v.key}
                id={`req-${seqs[v.index]}`}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={r.requestId === selectedId}
                className={`req-row${v.index === active ? ' is-active' : ''}${r.requestId === selectedId ? ' is-selected' : ''}`}
                style={{ transform: `translateY(${v.start - ROW_HEIGHT}px)` }}
                onClick={() => {
                  setActive(v.index);
                  activeSeq.current = seqs[v.index] ?? null;
                  onOpen(r);
                }}
                data-request-id={r.requestId}
                data-status={r.status}
              >
                <span role="gridcell" className="req-cell c-time">
                  {fmtClock(r.time)}
                </span>
                <span role="gridcell" className="req-cell c-method">
                  {r.method}
                </span>
                <span role="gridcell" className="req-cell c-path" title={r.query ? `${r.path}?${r.query}` : r.path}>
                  {r.path}
                  {r.query && <span className="faint">?{r.query}</span>}
                </span>
                <span role="gridcell" className={`req-cell c-status s${cls}`}>
                  {r.status}
                </span>
                <span role="gridcell" className="req-cell c-duration">
                  {fmtDuration(r.durationMs)}
                </span>
                <span role="gridcell" className="req-cell c-size">
                  {fmtBytes(r.bytes)}
                </span>
                <span role="gridcell" className="req-cell c-worker">
                  {r.workerPid ?? '–'}
                </span>
                <span role="gridcell" className="req-cell c-request-id" title={r.requestId}>
                  {r.requestId}
                </span>
              </div>
            );
          })}
        </div>
        {rows.length === 0 && <p className="req-empty muted">{emptyText}</p>}
      </div>
      {atTop && older !== 'none' && rows.length > 0 && (
        <button type="button" className="btn btn-sm req-older" onClick={onLoadOlder} disabled={older !== 'more'} data-testid="load-older">
          {older === 'loading' ? <span className="spinner" aria-hidden="true" /> : null}
          {older === 'full' ? `Showing the newest ${rows.length.toLocaleString()} kept in the table` : '↑ Load older requests'}
        </button>
      )}
      {!isFollowing && (
        <button type="button" className="btn btn-sm req-jump" onClick={jumpToEnd}>
          ↓ {unseen > 0 ? `${unseen.toLocaleString()} new` : 'Latest'}
        </button>
      )}
    </div>
  );
}

/** How many sequence numbers in the (ascending) list are greater than `seq`. */
export function countAfter(seqs: readonly number[], seq: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqs[mid]! <= seq) lo = mid + 1;
    else hi = mid;
  }
  return seqs.length - lo;
}
