// The Requests toolbar, on two lines at 1024 px and wider: the filters (pause/resume, status-class toggles, method,
// path, minimum duration, search, and "Time ▾" holding since / until and jump to), then what is shown (the view,
// export) with the counts. The text inputs' placeholders are short enough for their narrowest (1024 px, every
// control shown); their names are aria-labels and the title says what each one matches.
import type { ReactNode } from 'react';
import type { LiveCounts } from '../../../state/live-counts';
import { TimePopover } from '../../../components/TimePopover';
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
  /** Jump to a time, beside the time range (it scrolls rather than filters); none where there is no table. */
  readonly onJump?: ((time: number) => void) | undefined;
  /** Controls for what is shown (the view, export), on the second line before the counts. */
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
  onJump,
  children,
}: RequestFiltersBarProps) {
  const toggleClass = (c: StatusClass) =>
    onChange({ ...f, statusClasses: f.statusClasses.includes(c) ? f.statusClasses.filter((x) => x !== c) : [...f.statusClasses, c] });
  return (
    <div className="tab-toolbar req-toolbar" role="toolbar" aria-label="Request filters">
      <div className="req-toolbar-line">
        <button type="button" className="btn btn-sm" aria-pressed={paused} onClick={() => onPause(!paused)} data-testid="pause">
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
          placeholder="/path…"
          title="Path (and query) contains"
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
          placeholder="Search…"
          title="Search requests: method, path, status, id, address, user agent, worker (all words must match)"
          value={f.search}
          onChange={(e) => onChange({ ...f, search: e.target.value })}
        />
        <TimePopover idPrefix="f" range={f} onChange={(r) => onChange({ ...f, since: r.since, until: r.until })} onJump={onJump} />
        {isFiltering(f) && (
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange(EMPTY_FILTERS)}>
            Clear
          </button>
        )}
      </div>
      <div className="req-toolbar-line">
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
    </div>
  );
}
