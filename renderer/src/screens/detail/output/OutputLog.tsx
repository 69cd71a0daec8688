// The virtualised output log. Lines differ in height (long lines wrap, blocks span lines), so rows are
// measured after layout and placed again before paint (hooks/use-live-window.ts); the tail is followed while
// the reader is at the bottom, and the line under the reader's eyes is held when scrolled up.
import { useEffect, useRef } from 'react';
import type { OutputRecord } from '../../../api/contract';
import { href } from '../../../app/router';
import { LoadOlder, type LoadOlderState } from '../../../components/LoadOlder';
import { fmtClock } from '../../../format';
import { useLiveWindow } from '../../../hooks/use-live-window';
import type { FilteredRows } from '../../../state/filtered-view';
import { continuesPrevious } from '../../../state/output-grouping';
import { highlightParts, type SearchPattern } from '../../../state/output-search';

const EST = 20;

export function OutputLog({
  appId,
  view,
  emptyText,
  onHold,
  wrap = true,
  pattern,
  current = null,
  jumpTo = null,
  older = null,
  onLoadOlder,
}: {
  readonly appId: string;
  readonly view: FilteredRows<OutputRecord>;
  readonly emptyText: string;
  readonly onHold?: (seq: number | null) => void;
  readonly wrap?: boolean;
  readonly pattern?: SearchPattern;
  readonly current?: number | null;
  /** A jump to a time: this line (by key) goes to the top of the view, marked; `n` tells two jumps apart. */
  readonly jumpTo?: { readonly seq: number; readonly n: number } | null;
  /** Offered over the top of the log when the reader is there (not while following): older lines, or why none. */
  readonly older?: LoadOlderState | null;
  readonly onLoadOlder?: () => void;
}) {
  const { rows, seqs } = view;
  const win = useLiveWindow({ keys: seqs, estimate: EST, overscanPx: 300, onHold });
  const { plan } = win;
  // Next/previous match: bring the current line into view (this leaves following, as scrolling up does).
  // Only when the current line changes, not on every new row: the rows are read through a ref.
  const { reveal } = win;
  const seqsRef = useRef(seqs);
  seqsRef.current = seqs;
  useEffect(() => {
    if (current === null) return;
    const i = seqsRef.current.indexOf(current);
    if (i !== -1) reveal(i);
  }, [current, reveal]);
  const { showAtTop } = win;
  useEffect(() => {
    if (!jumpTo) return;
    const i = seqsRef.current.indexOf(jumpTo.seq);
    if (i !== -1) showAtTop(i);
  }, [jumpTo, showAtTop]);
  const items: number[] = [];
  for (let i = plan.first; i <= plan.last; i++) items.push(i);

  return (
    <div className="output-log-wrap">
      <div
        ref={win.scrollRef}
        className={`output-log${wrap ? '' : ' no-wrap'}`}
        onScroll={win.onScroll}
        onWheel={win.onWheel}
        onPointerDown={win.onPointerDown}
        onClick={win.onClick}
        role="log"
        aria-label="App output"
        tabIndex={0}
        data-testid="output-log"
        data-following={win.following ? 'true' : 'false'}
      >
        <div style={{ height: plan.total, position: 'relative' }}>
          {items.map((index) => {
            const l = rows[index]!;
            const cont = continuesPrevious(rows[index - 1], l);
            return (
              <div
                key={seqs[index]}
                data-key={seqs[index]}
                data-index={index}
                data-seq={l.seq}
                className={`out-line lvl-${l.level} src-${l.source}${cont ? ' out-cont' : ''}${seqs[index] === current ? ' out-current' : ''}${seqs[index] === jumpTo?.seq ? ' out-target' : ''}`}
                data-jump-target={seqs[index] === jumpTo?.seq ? 'true' : undefined}
                aria-current={seqs[index] === current ? 'true' : undefined}
                style={{ transform: `translateY(${win.geometry.top(index)}px)` }}
                data-level={l.level}
              >
                <span className="out-time">{cont ? '' : fmtClock(l.time)}</span>
                <span className={`out-level lvl-${l.level}`}>{cont ? '' : l.level}</span>
                <span className="out-src faint" title={l.workerPid ? `worker ${l.workerId ?? '?'} pid ${l.workerPid}` : l.source}>
                  {cont ? '' : l.source === 'gantry' ? 'gantry' : l.workerPid ? `${l.source} ${l.workerPid}` : l.source}
                </span>
                <span className="out-text">
                  {pattern && pattern.kind === 'ok'
                    ? highlightParts(l.text, pattern).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))
                    : l.text}
                  {l.requestId && !cont && (
                    <a
                      className="out-req"
                      href={href({ name: 'app', id: appId, tab: 'requests', requestId: l.requestId })}
                      title="Show the request that wrote this line"
                    >
                      request {l.requestId}
                    </a>
                  )}
                </span>
              </div>
            );
          })}
        </div>
        {rows.length === 0 && <p className="req-empty muted">{emptyText}</p>}
      </div>
      {older && !win.following && plan.offset < EST && rows.length > 0 && (
        <LoadOlder className="out-older" noun="lines" state={older} onLoad={() => onLoadOlder?.()} />
      )}
      {!win.following && !win.pressing && (
        <button type="button" className="btn btn-sm req-jump" onClick={win.follow}>
          ↓ Latest
        </button>
      )}
    </div>
  );
}
