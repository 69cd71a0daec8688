// The Output tab: the app's stdout/stderr and Gantry's own lines, live and searchable, beside the app's
// events (crashes, timeouts with the stack, reloads, recycles). Lines that belong to a request link to it.
// Filters are remembered per app, unless a link (a crash notice) brings its own.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppSummary } from '../../../api/contract';
import { TimePopover } from '../../../components/TimePopover';
import { fmtClock } from '../../../format';
import { firstAtOrAfter } from '../../../state/time-range';
import { useFilteredRows } from '../../../hooks/use-filtered-rows';
import { useStore } from '../../../state/external-store';
import {
  compileOutputFilters,
  initialOutputFilters,
  LEVELS,
  outputWorkerPids,
  saveOutputFilters,
  SOURCES,
  type OutputFilters,
} from '../../../state/output-filters';
import { usePageVisible } from '../../../hooks/use-page-visible';
import type { OutputReach } from '../../../state/app-live-data';
import { useAppLiveData } from '../AppDetail';
import { EventsPanel } from './EventsPanel';
import { OutputLog } from './OutputLog';
import { searchPattern } from '../../../state/output-search';
import { outputLogText } from '../../../state/output-export';
import { download } from '../export/zip-files';
import './output.css';

export function OutputTab({ app, query }: { readonly app: AppSummary; readonly query: Readonly<Record<string, string>> }) {
  const data = useAppLiveData();
  const meta = useStore(data.meta);
  const appId = app.definition.id;
  // Output is streamed only while this tab is on screen (and the page is visible).
  const visible = usePageVisible();
  useEffect(() => data.setOutputShown(visible), [data, visible]);
  useEffect(() => () => data.setOutputShown(false), [data]);
  const [filters, setFilters] = useState<OutputFilters>(() => initialOutputFilters(appId, query));
  useEffect(() => saveOutputFilters(appId, filters), [appId, filters]);
  const predicate = useMemo(() => compileOutputFilters(filters), [filters]);
  const { view, snapshot } = useFilteredRows(data.output, predicate);
  const pattern = useMemo(() => searchPattern(filters.search, filters.regex), [filters.search, filters.regex]);
  const pids = useMemo(() => outputWorkerPids(snapshot.rows, filters.pid), [snapshot.rows, filters.pid]);
  // Long lines wrap by default; unwrapped, each line is one row and the log scrolls sideways.
  const [wrap, setWrap] = useState(true);
  // The line next/previous stepped to (a seq), among the lines the search leaves.
  const [current, setCurrent] = useState<number | null>(null);
  const step = (dir: 1 | -1): void => {
    const seqs = view.seqs;
    if (seqs.length === 0) return;
    const at = current === null ? -1 : seqs.indexOf(current);
    const next = at === -1 ? (dir === 1 ? 0 : seqs.length - 1) : Math.min(seqs.length - 1, Math.max(0, at + dir));
    setCurrent(seqs[next]!);
  };
  // Jump to a time: the first line at or after it (among the lines the filters leave) goes to the top of the log.
  // Older lines the Host still keeps are loaded first; a time older than anything kept says so.
  const [jumpTo, setJumpTo] = useState<{ seq: number; n: number } | null>(null);
  const [jumpNote, setJumpNote] = useState<string | null>(null);
  const jumps = useRef(0);
  const predicateRef = useRef(predicate);
  predicateRef.current = predicate;
  const jump = useCallback(
    async (time: number) => {
      const n = ++jumps.current;
      setJumpNote(null);
      let reach: OutputReach;
      try {
        reach = await data.loadOutputSince(time);
      } catch (e) {
        reach = { kind: 'held' };
        if (n === jumps.current) setJumpNote(`Could not load older output: ${e instanceof Error ? e.message : String(e)}.`);
      }
      if (n !== jumps.current || reach.kind === 'stale') return; // a later jump (or a reload) decides
      const { rows, dropped } = data.output.getSnapshot();
      const i = firstAtOrAfter(rows, time, predicateRef.current);
      if (i === -1) return setJumpNote(`No line at or after ${fmtClock(time)}.`);
      setJumpTo({ seq: dropped + i, n });
      if (reach.kind === 'not-kept') setJumpNote(notKeptNote(time, reach));
      else if (reach.kind === 'full')
        setJumpNote(`The log holds at most ${reach.cap.toLocaleString()} lines: output before ${fmtClock(rows[0]!.time)} is not in it.`);
    },
    [data],
  );
  const hold = useCallback((seq: number | null) => data.output.holdFrom(seq), [data]);
  const toggle = <T,>(list: readonly T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  return (
    <div className="output-tab">
      <div className="tab-toolbar" role="toolbar" aria-label="Output filters">
        <button type="button" className="btn" aria-pressed={snapshot.paused} onClick={() => data.output.setPaused(!snapshot.paused)}>
          {snapshot.paused ? `▶ Resume${snapshot.pending ? ` (${snapshot.pending} new)` : ''}` : '❚❚ Pause'}
        </button>
        <div className="btn-group" role="group" aria-label="Level">
          {LEVELS.map((l) => (
            <button
              key={l}
              type="button"
              className="btn btn-sm"
              aria-pressed={filters.levels.includes(l)}
              onClick={() => setFilters({ ...filters, levels: toggle(filters.levels, l) })}
            >
              <span className={`lvl-${l}`}>{l}</span>
            </button>
          ))}
        </div>
        <div className="btn-group" role="group" aria-label="Source">
          {SOURCES.map((s) => (
            <button
              key={s}
              type="button"
              className="btn btn-sm"
              aria-pressed={filters.sources.includes(s)}
              onClick={() => setFilters({ ...filters, sources: toggle(filters.sources, s) })}
            >
              {s}
            </button>
          ))}
        </div>
        <select
          className="select input-sm"
          aria-label="Worker"
          value={filters.pid ?? ''}
          onChange={(e) => setFilters({ ...filters, pid: e.target.value === '' ? null : Number(e.target.value) })}
        >
          <option value="">All workers</option>
          {pids.map((p) => (
            <option key={p} value={p}>
              pid {p}
            </option>
          ))}
        </select>
        <input
          className="input input-sm f-search"
          type="search"
          aria-label="Search output"
          placeholder={filters.regex ? 'Regular expression…' : 'Search output…'}
          aria-invalid={pattern.kind === 'invalid'}
          title={pattern.kind === 'invalid' ? pattern.message : undefined}
          value={filters.search}
          onChange={(e) => setFilters({ ...filters, search: e.target.value })}
        />
        <button
          type="button"
          className="btn btn-sm"
          aria-pressed={filters.regex}
          aria-label="Regular expression"
          title="Search with a regular expression"
          onClick={() => setFilters({ ...filters, regex: !filters.regex })}
        >
          .*
        </button>
        <button
          type="button"
          className="btn btn-sm"
          aria-label="Previous match"
          title="Previous match"
          disabled={pattern.kind !== 'ok'}
          onClick={() => step(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="btn btn-sm"
          aria-label="Next match"
          title="Next match"
          disabled={pattern.kind !== 'ok'}
          onClick={() => step(1)}
        >
          ↓
        </button>
        <button type="button" className="btn btn-sm" aria-pressed={wrap} onClick={() => setWrap(!wrap)} title="Wrap long lines">
          Wrap
        </button>
        <TimePopover
          idPrefix="o"
          range={filters}
          onChange={(r) => setFilters({ ...filters, since: r.since, until: r.until })}
          onJump={(t) => void jump(t)}
        />
        <span className="spacer" />
        <span className="faint req-count">
          {view.rows.length.toLocaleString()} of {snapshot.rows.length.toLocaleString()} lines
        </span>
        <button
          type="button"
          className="btn btn-sm"
          disabled={view.rows.length === 0}
          data-testid="download-output"
          title="Download the lines shown (after the filters) as a text file"
          onClick={() =>
            download(`${appId}-output-${new Date().toISOString().replace(/[:.]/g, '-')}.log`, outputLogText(view.rows), 'text/plain')
          }
        >
          Download
        </button>
      </div>
      {jumpNote && (
        <p className="req-note muted" role="status">
          {jumpNote}
        </p>
      )}
      <div className="output-body">
        <OutputLog
          appId={app.definition.id}
          view={view}
          wrap={wrap}
          pattern={pattern}
          current={current}
          jumpTo={jumpTo}
          onHold={hold}
          emptyText={meta.loaded ? (snapshot.rows.length ? 'No line matches these filters.' : 'Nothing written yet.') : 'Loading…'}
        />
        <EventsPanel appId={app.definition.id} events={meta.events} />
      </div>
    </div>
  );
}

/** What a jump to a time older than the Host's output history says: how far back it keeps, and where the log starts. */
function notKeptNote(time: number, reach: Extract<OutputReach, { kind: 'not-kept' }>): string {
  const mib = Math.round(reach.kept.maxBytes / (1024 * 1024));
  return (
    `Output from ${fmtClock(time)} is no longer kept: Gantry keeps an app's newest ${reach.kept.maxLines.toLocaleString('en-US')} lines ` +
    `(at most ${mib} MiB), and the oldest kept is from ${fmtClock(reach.oldestTime)}, marked below.`
  );
}
