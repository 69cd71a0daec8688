// The virtualised output log. Lines differ in height (long lines wrap), so rows are measured as they
// render; the tail is followed while the reader is at the bottom, and left alone when scrolled up.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { OutputRecord } from '../../../api/contract';
import { href } from '../../../app/router';
import { fmtClock } from '../../../format';
import type { FilteredRows } from '../../../state/filtered-view';
import { continuesPrevious } from '../../../state/output-grouping';

const EST = 20;

export function OutputLog({ appId, view, emptyText }: { readonly appId: string; readonly view: FilteredRows<OutputRecord>; readonly emptyText: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [isFollowing, setIsFollowing] = useState(true);
  const prev = useRef({ trimmed: view.trimmed, epoch: view.epoch });
  const { rows, seqs } = view;
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => ref.current, estimateSize: () => EST, overscan: 20, getItemKey: (i) => seqs[i] ?? i });

  useLayoutEffect(() => {
    const el = ref.current;
    const p = prev.current;
    prev.current = { trimmed: view.trimmed, epoch: view.epoch };
    if (!el) return;
    if (following.current) el.scrollTop = el.scrollHeight;
    else if (p.epoch === view.epoch && view.trimmed > p.trimmed) el.scrollTop = Math.max(0, el.scrollTop - (view.trimmed - p.trimmed) * EST);
    if (!following.current && el.scrollHeight <= el.clientHeight + 1) {
      following.current = true;
      setIsFollowing(true);
    }
  }, [view]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - EST;
    following.current = atBottom;
    setIsFollowing(atBottom);
  }, []);

  return (
    <div className="output-log-wrap">
      <div ref={ref} className="output-log" onScroll={onScroll} role="log" aria-label="App output" tabIndex={0} data-testid="output-log">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const l = rows[item.index]!;
            const cont = continuesPrevious(rows[item.index - 1], l);
            return (
              <div key={item.key} ref={v.measureElement} data-index={item.index} className={`out-line lvl-${l.level} src-${l.source}${cont ? ' out-cont' : ''}`} style={{ transform: `translateY(${item.start}px)` }} data-level={l.level}>
                <span className="out-time">{cont ? '' : fmtClock(l.time)}</span>
                <span className={`out-level lvl-${l.level}`}>{cont ? '' : l.level}</span>
                <span className="out-src faint" title={l.workerPid ? `worker ${l.workerId ?? '?'} pid ${l.workerPid}` : l.source}>
                  {cont ? '' : l.source === 'gantry' ? 'gantry' : l.workerPid ? `${l.source} ${l.workerPid}` : l.source}
                </span>
                <span className="out-text">
                  {l.text}
                  {l.requestId && !cont && (
                    <a className="out-req" href={href({ name: 'app', id: appId, tab: 'requests', requestId: l.requestId })} title="Show the request that wrote this line">
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
      {!isFollowing && (
        <button
          type="button"
          className="btn btn-sm req-jump"
          onClick={() => {
            following.current = true;
            setIsFollowing(true);
            if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
          }}
        >
          ↓ Latest
        </button>
      )}
    </div>
  );
}
