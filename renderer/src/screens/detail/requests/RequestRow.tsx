// One row of the Requests table. Memoised: while the table follows a slow stream or the reader is scrolled
// up, an update re-renders only the rows that are new or whose place, cursor or selection changed.
import { memo } from 'react';
import type { AccessRecord } from '../../../api/contract';
import { fmtBytes, fmtClock, fmtDuration } from '../../../format';
import { statusClass } from '../../../state/request-filters';
import { TruncatedBadge } from './TruncatedBadge';

export interface RequestRowProps {
  readonly row: AccessRecord;
  readonly seq: number;
  readonly index: number;
  readonly top: number;
  readonly active: boolean;
  readonly selected: boolean;
  /** The row a jump to a time landed on (marked until the next jump). */
  readonly target: boolean;
  readonly onPick: (index: number, seq: number, row: AccessRecord) => void;
}

export const RequestRow = memo(function RequestRow({ row: r, seq, index, top, active, selected, target, onPick }: RequestRowProps) {
  return (
    <div
      id={`req-${seq}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`req-row${active ? ' is-active' : ''}${selected ? ' is-selected' : ''}${target ? ' is-target' : ''}`}
      data-jump-target={target ? 'true' : undefined}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onPick(index, seq, r)}
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
      <span role="gridcell" className={`req-cell c-status s${statusClass(r.status)}`}>
        {r.status}
        <TruncatedBadge entry={r} />
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
});
