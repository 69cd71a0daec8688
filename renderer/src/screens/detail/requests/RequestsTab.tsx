// The Requests tab: filters (remembered per app) over the live access log, and the details drawer of the
// request named in the URL (#/apps/:id/requests/:requestId), so a notice can link straight to it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AccessRecord, AppSummary } from '../../../api/contract';
import { navigate } from '../../../app/router';
import { JumpToTime } from '../../../components/JumpToTime';
import { useFilteredRows } from '../../../hooks/use-filtered-rows';
import { useStore } from '../../../state/external-store';
import { compileFilters, isFiltering, loadFilters, saveFilters, type RequestFilters } from '../../../state/request-filters';
import { useDebounced } from '../../../hooks/use-debounced';
import { usePageVisible } from '../../../hooks/use-page-visible';
import type { AccessView } from '../../../state/app-live-data';
import { rowsSince } from '../../../state/served-count';
import { firstAtOrAfter } from '../../../state/time-range';
import { fmtClock } from '../../../format';
import { useAppLiveData } from '../AppDetail';
import { ExportMenu } from './ExportMenu';
import { RequestDrawer } from './RequestDrawer';
import { RequestFiltersBar } from './RequestFiltersBar';
import { RequestTable } from './RequestTable';
import { RoutesView } from './RoutesView';
import { ServedCount } from './ServedCount';
import './requests.css';

export function RequestsTab({ app, requestId }: { readonly app: AppSummary; readonly requestId: string | null }) {
  const appId = app.definition.id;
  const data = useAppLiveData();
  const meta = useStore(data.meta);
  const [filters, setFilters] = useState<RequestFilters>(() => loadFilters(appId));
  const [shownAs, setShownAs] = useState<'table' | 'routes'>('table');
  useEffect(() => saveFilters(appId, filters), [appId, filters]);
  const predicate = useMemo(() => compileFilters(filters), [filters]);
  const { view, snapshot } = useFilteredRows(data.access, predicate);
  const full = snapshot.rows.length + snapshot.pending >= data.access.cap;
  const rowsThisRun = useMemo(() => rowsSince(snapshot.rows, app.status.startedAt), [snapshot.rows, app.status.startedAt]);

  // Tell the stream what this table shows: nothing is serialised for a paused or hidden table (it gets counts),
  // and the filters the server can apply are applied there.
  const visible = usePageVisible();
  const serverFilter = useDebounced(
    useMemo(() => toServerFilter(filters), [filters]),
    300,
  );
  const mode = snapshot.paused || !visible ? 'count' : 'rows';
  useEffect(() => data.setAccessView({ mode, filter: serverFilter }), [data, mode, serverFilter]);
  useEffect(() => () => data.setAccessView({ mode: 'count', filter: {} }), [data]);

  // Filters run in the browser over the rows it holds; while filtering, fetch the rest of the server's
  // buffer (up to the table's cap) so a filter finds matches older than the first page too.
  const filtering = isFiltering(filters);
  useEffect(() => {
    if (filtering && meta.loaded && meta.olderAccess !== null && !meta.loadingOlder && !full) void data.loadOlderAccess(5000);
  }, [filtering, meta.loaded, meta.olderAccess, meta.loadingOlder, full, data]);

  // Jump to a time: the first row at or after it (among the rows the filters leave) goes to the top of the table.
  // Older rows the server still holds are loaded first (up to the table's cap), so the jump can reach them.
  const [jumpTo, setJumpTo] = useState<{ seq: number; n: number } | null>(null);
  const [jumpNote, setJumpNote] = useState<string | null>(null);
  const jumps = useRef(0);
  const predicateRef = useRef(predicate);
  predicateRef.current = predicate;
  const jump = useCallback(
    async (time: number) => {
      setJumpNote(null);
      for (;;) {
        const first = data.access.getSnapshot().rows[0];
        if (first !== undefined && first.time < time) break;
        if ((await data.loadOlderAccess(5000)) === 0) break;
      }
      const { rows, dropped } = data.access.getSnapshot();
      const i = firstAtOrAfter(rows, time, predicateRef.current);
      if (i === -1) setJumpNote(`No request at or after ${fmtClock(time)} in the table.`);
      else setJumpTo({ seq: dropped + i, n: ++jumps.current });
    },
    [data],
  );

  const hold = useCallback((seq: number | null) => data.access.holdFrom(seq), [data]);
  const openId = useCallback((id: string) => navigate({ name: 'app', id: appId, tab: 'requests', requestId: id }), [appId]);
  const open = useCallback((r: AccessRecord) => openId(r.requestId), [openId]);
  const close = useCallback(() => navigate({ name: 'app', id: appId, tab: 'requests' }), [appId]);
  const selectedRow = useMemo(
    () => (requestId ? (snapshot.rows.findLast((r) => r.requestId === requestId) ?? null) : null),
    [snapshot.rows, requestId],
  );

  const running = app.status.state === 'running' || app.status.state === 'reloading';
  const emptyText = !meta.loaded
    ? 'Loading…'
    : isFiltering(filters) && snapshot.rows.length > 0
      ? 'No request matches these filters.'
      : running
        ? `Waiting for requests. Open ${app.status.urls[0] ?? 'the app'} to send one.`
        : 'No requests yet. Start the app, then open its URL.';

  return (
    <div className="requests-tab" data-loaded={meta.loaded ? 'true' : 'false'}>
      <RequestFiltersBar
        filters={filters}
        onChange={setFilters}
        paused={snapshot.paused}
        pending={snapshot.pending + meta.live.unshown}
        onPause={(p) => data.access.setPaused(p)}
        shown={view.rows.length}
        total={snapshot.rows.length}
        served={<ServedCount tally={data.served} metrics={app.metrics} startedAt={app.status.startedAt} rowsThisRun={rowsThisRun} />}
        live={meta.live}
        jump={shownAs === 'table' ? <JumpToTime id="f-jump" onJump={(t) => void jump(t)} /> : null}
      >
        <span className="btn-group req-view-toggle" role="group" aria-label="Show">
          <button type="button" className="btn btn-sm" aria-pressed={shownAs === 'table'} onClick={() => setShownAs('table')}>
            Requests
          </button>
          <button
            type="button"
            className="btn btn-sm"
            aria-pressed={shownAs === 'routes'}
            onClick={() => setShownAs('routes')}
            data-testid="show-routes"
          >
            Routes
          </button>
        </span>
        <ExportMenu appId={appId} rows={view.rows} serverFilter={serverFilter} baseUrl={running ? (app.status.urls[0] ?? null) : null} />
      </RequestFiltersBar>
      {(meta.error || meta.missed > 0 || snapshot.skipped > 0 || meta.stream === 'reconnecting' || jumpNote) && (
        <p className="req-note muted" role="status">
          {jumpNote && `${jumpNote} `}
          {meta.stream === 'reconnecting' && 'Live updates interrupted; reconnecting… '}
          {meta.error && `Could not load history: ${meta.error}. `}
          {meta.missed > 0 && `${meta.missed.toLocaleString()} live events were missed (the UI fell behind or reconnected late). `}
          {snapshot.skipped > 0 &&
            `${snapshot.skipped.toLocaleString()} requests arrived while paused beyond the ${data.access.cap.toLocaleString()} kept.`}
        </p>
      )}
      {shownAs === 'routes' ? (
        <RoutesView appId={appId} onOpen={openId} />
      ) : (
        <RequestTable
          view={view}
          selectedId={requestId}
          onOpen={open}
          emptyText={emptyText}
          older={meta.olderAccess === null ? 'none' : meta.loadingOlder ? 'loading' : full ? 'full' : 'more'}
          onLoadOlder={() => void data.loadOlderAccess()}
          onHold={hold}
          jumpTo={jumpTo}
        />
      )}
      {requestId && (
        <RequestDrawer
          appId={appId}
          requestId={requestId}
          row={selectedRow}
          baseUrl={running ? (app.status.urls[0] ?? null) : null}
          onClose={close}
        />
      )}
    </div>
  );
}

/** The part of the Requests filters the server applies too (free-text search stays in the browser). */
function toServerFilter(f: RequestFilters): AccessView['filter'] {
  return {
    ...(f.statusClasses.length > 0 ? { status: [...f.statusClasses] } : {}),
    ...(f.methods.length > 0 ? { method: [...f.methods] } : {}),
    ...(f.path.trim() ? { path: f.path.trim() } : {}),
    ...(f.minDurationMs > 0 ? { minDurationMs: f.minDurationMs } : {}),
  };
}
