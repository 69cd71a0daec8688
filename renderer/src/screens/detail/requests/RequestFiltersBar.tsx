// The Requests toolbar: pause/resume, status-class toggles, method, path, minimum duration, search and a time
// range (since / until, local clock times like the Time column).
import type { ReactNode } from 'react';
import type { LiveCounts } from '../../../state/app-live-data';
import { TimeRangeFields } from '../../../components/TimeRangeFields';
import { EMPTY_FILTERS, METHODS, STATUS_CLASSES, isFiltering, type RequestFilters, type StatusClass } from '../../../state/request-filters';

export interface RequestFiltersBarProps {
  readonly filters: RequestFilters;
  readonly onChange: (f: RequestFilters) => void;
  readonly paused: boolean;
  readonly pending: number;
  readonly onPause: (paused: boolean) => void;
  readonly shown: number;
  readonly total: number;
  /** Requests the app has served (ServedCount), beside what the table holds. */
  readonly served?: ReactNode;
  readonly live: LiveCounts;
  /** Jump to a time, beside the time range (it scrolls rather than filters). */
  readonly jump?: ReactNode;
  /** More controls for the rows shown (export), after the filters. */
  readonly children?: ReactNode;
}

export function RequestFiltersBar({
  filters: f,
  onChange,
  paused,
  pending,
  onPause,
  shown,
  total,
  served,
  live,
  jump,
  children,
}: RequestFiltersBarProps) {
  const toggleClass = (c: StatusClass) =>
    onChange({ ...f, statusClasses: f.statusClasses.includes(c) ? f.statusClasses.filter((x) => x !== c) : [...f.statusClasses, c] });
  return (
    <div className="tab-toolbar req-toolbar" role="toolbar" aria-label="Request filters">
      <button type="button" className="btn" aria-pressed={paused} onClick={() => onPause(!paused)} data-testid="pause">
        {paused ? `▶ Resume${pending ? ` (${pending} new)` : ''}` : '❚❚ Pause'}
      </button>
      <div className="btn-group status-toggles" role="group" aria-label="Status class">
        {STATUS_CLASSES.map((c) => (
          <button
            key={c}
            type="button"
            className="btn btn-sm status-toggle"
            aria-pressed={f.statusClasses.includes(c)}
            onClick={() => toggleClass(c)}
          >
            <span className={`s${c}`}>{c}</span>
          </button>
        ))}
      </div>
      <label className="visually-hidden" htmlFor="f-method">
        Method
      </label>
      <select
        id="f-method"
        className="select select-sm"
        value={f.methods[0] ?? ''}
        onChange={(e) => onChange({ ...f, methods: e.target.value ? [e.target.value] : [] })}
      >
        <option value="">All methods</option>
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <input
        className="input input-sm input-mono f-path"
        aria-label="Path contains"
        placeholder="/path contains…"
        value={f.path}
        onChange={(e) => onChange({ ...f, path: e.target.value })}
      />
      <span className="row f-min">
        <label htmlFor="f-min" className="faint">
          ≥
        </label>
        <input
          id="f-min"
          className="input input-sm f-min-input"
          type="number"
          min={0}
          aria-label="Minimum duration in milliseconds"
          placeholder="0"
          value={f.minDurationMs || ''}
          onChange={(e) => onChange({ ...f, minDurationMs: Math.max(0, Number(e.target.value) || 0) })}
        />
        <span className="faint">ms</span>
      </span>
      <input
        className="input input-sm f-search"
        type="search"
        aria-label="Search requests"
        placeholder="Search id, status, agent…"
        value={f.search}
        onChange={(e) => onChange({ ...f, search: e.target.value })}
      />
      <TimeRangeFields idPrefix="f" range={f} onChange={(r) => onChange({ ...f, since: r.since, until: r.until })} />
      {jump}
      {isFiltering(f) && (
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange(EMPTY_FILTERS)}>
          Clear
        </button>
      )}
      {children}
      <span className="spacer" />
      {live.sampleOneIn > 1 && !paused && (
        <span
          className="req-sampled"
          data-testid="sampled"
          title="Above what a screen can show, ordinary requests are sampled; every error, slow request and request with output is still shown."
        >
          Showing 1 in {live.sampleOneIn} · {live.seenPerSec.toLocaleString()} req/s, {live.sentPerSec.toLocaleString()}/s shown
        </span>
      )}
      {/* Not a live region: under load it changes many times a second, and a screen reader would read each one. */}
      <span className="faint req-count" data-testid="request-count">
        {served}
        <span data-testid="table-rows">
          {isFiltering(f)
            ? `${shown.toLocaleString()} of ${total.toLocaleString()} rows in the table match`
            : `${total.toLocaleString()} ${total === 1 ? 'row' : 'rows'} in the table`}
        </span>
      </span>
    </div>
  );
}
