// The live, virtualised access-log table. Only the rows in view are in the DOM, so thousands of rows per
// second stay smooth. Scrolling: at the bottom it follows new rows; scrolled up, it stays exactly where it
// is — rows appended below do not move it, and when the cap trims rows above, the rows under the reader's eyes
// do not move (the place is held as a row identity; see hooks/use-live-window.ts).
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AccessRecord } from '../../../api/contract';
import { LoadOlder } from '../../../components/LoadOlder';
import { useLiveWindow } from '../../../hooks/use-live-window';
import type { FilteredRows } from '../../../state/filtered-view';
import { RequestRow } from './RequestRow';

const ROW_HEIGHT = 28;

export interface RequestTableProps {
  readonly view: FilteredRows<AccessRecord>;
  readonly selectedId: string | null;
  readonly onOpen: (row: AccessRecord) => void;
  readonly emptyText: string;
  /** Offered at the top of the table: 'more' when older history can be loaded. */
  readonly older?: 'more' | 'loading' | 'full' | 'none';
  readonly onLoadOlder?: () => void;
  /** The first row in view while scrolled up (null while following): the store keeps it from the cap. */
  readonly onHold?: (seq: number | null) => void;
  /** A jump to a time: this row (by seq) goes to the top of the view, highlighted; `n` tells two jumps apart. */
  readonly jumpTo?: { readonly seq: number; readonly n: number } | null;
}

const COLUMNS = ['Time', 'Method', 'Path', 'Status', 'Duration', 'Size', 'Worker', 'Request ID'] as const;

export function RequestTable({
  view,
  selectedId,
  onOpen,
  emptyText,
  older = 'none',
  onLoadOlder,
  onHold,
  jumpTo = null,
}: RequestTableProps) {
  const { rows, seqs } = view;
  // Following, 5 rows above the viewport: one wheel notch (≤ 120 px) up is painted before the table re-renders.
  const win = useLiveWindow({
    keys: seqs,
    rowHeight: ROW_HEIGHT,
    padTop: ROW_HEIGHT,
    overscanPx: 10 * ROW_HEIGHT,
    followOverscanPx: 5 * ROW_HEIGHT,
    onHold,
  });
  const { scrollRef, plan, following } = win;
  const lastSeenSeq = useRef<number>(-1);
  const [active, setActive] = useState(-1);
  if (following) lastSeenSeq.current = seqs.at(-1) ?? -1;
  const atTop = plan.offset < ROW_HEIGHT;

  // Keep the keyboard cursor on the same request when rows are trimmed above it.
  const activeSeq = useRef<number | null>(null);
  useEffect(() => {
    if (activeSeq.current === null) return;
    setActive(seqs.indexOf(activeSeq.current));
  }, [seqs]);

  const pick = useCallback(
    (index: number, seq: number, row: AccessRecord) => {
      setActive(index);
      activeSeq.current = seq;
      onOpen(row);
    },
    [onOpen],
  );

  // A jump: the row at the top and the keyboard cursor on it (so the arrows go on from there). Only when a jump is
  // asked for, not on every new row: the rows are read through a ref.
  const { showAtTop } = win;
  const seqsRef = useRef(seqs);
  seqsRef.current = seqs;
  useEffect(() => {
    if (!jumpTo) return;
    const i = seqsRef.current.indexOf(jumpTo.seq);
    if (i === -1) return;
    setActive(i);
    activeSeq.current = jumpTo.seq;
    showAtTop(i);
  }, [jumpTo, showAtTop]);

  const moveActive = (i: number) => {
    if (rows.length === 0) return;
    const n = Math.max(0, Math.min(rows.length - 1, i));
    setActive(n);
    activeSeq.current = seqs[n] ?? null;
    win.reveal(n);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const cur = active < 0 ? rows.length - 1 : active;
    const moves: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: cur - 1,
      PageDown: cur + page,
      PageUp: cur - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      moveActive(moves[e.key]!);
    } else if ((e.key === 'Enter' || e.key === ' ') && active >= 0 && rows[active]) {
      e.preventDefault();
      onOpen(rows[active]);
    }
  };

  const unseen = following ? 0 : countAfter(seqs, lastSeenSeq.current);
  const activeRowId = active >= 0 && seqs[active] !== undefined ? `req-${seqs[active]}` : undefined;
  const visible: number[] = [];
  for (let i = plan.first; i <= plan.last; i++) visible.push(i);

  return (
    <div className="req-table-wrap">
      <div
        ref={scrollRef}
        className="req-scroll"
        onScroll={win.onScroll}
        onWheel={win.onWheel}
        onPointerDown={win.onPointerDown}
        onClick={win.onClick}
        role="grid"
        aria-label="Requests"
        aria-rowcount={rows.length + 1}
        aria-activedescendant={activeRowId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => active < 0 && rows.length > 0 && setActive(rows.length - 1)}
        data-testid="request-table"
        data-following={following ? 'true' : 'false'}
      >
        <div className="req-row req-head" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <span key={c} role="columnheader" className={`req-cell c-${c.toLowerCase().replace(/\s+/g, '-')}`}>
              {c}
            </span>
          ))}
        </div>
        <div className="req-body" style={{ height: plan.total - ROW_HEIGHT }}>
          {visible.map((index) => (
            <RequestRow
              key={seqs[index]}
              row={rows[index]!}
              seq={seqs[index]!}
              index={index}
              top={index * ROW_HEIGHT}
              active={index === active}
              selected={rows[index]!.requestId === selectedId}
              target={seqs[index] === jumpTo?.seq}
              onPick={pick}
            />
          ))}
        </div>
        {rows.length === 0 && <p className="req-empty muted">{emptyText}</p>}
      </div>
      {atTop && older !== 'none' && rows.length > 0 && (
        <LoadOlder
          className="req-older"
          noun="requests"
          state={
            older === 'full'
              ? { kind: 'end', text: `Showing the newest ${rows.length.toLocaleString()} kept in the table` }
              : { kind: older }
          }
          onLoad={() => onLoadOlder?.()}
        />
      )}
      {!following && !win.pressing && (
        <button type="button" className="btn btn-sm req-jump" onClick={win.follow}>
          ↓ {unseen > 0 ? `${unseen.toLocaleString()} new` : 'Latest'}
        </button>
      )}
    </div>
  );
}

/** How many sequence numbers in the (ascending) list are greater than `seq`. */
function countAfter(seqs: readonly number[], seq: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqs[mid]! <= seq) lo = mid + 1;
    else hi = mid;
  }
  return seqs.length - lo;
}
