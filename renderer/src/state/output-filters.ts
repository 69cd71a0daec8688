// Filters of the Output tab: levels, sources, a worker pid (crash notices link here with ?pid=), text and a time
// range (state/time-range.ts, as in the Requests tab), and how they are remembered per app (localStorage, like the Requests tab's; the pid is a link's, not remembered).
import type { LogLevel, OutputRecord } from '../api/contract';
import { searchMatches, searchPattern } from './output-search';
import { recall, remember, safeLocal } from './remembered';
import { compileTimeRange, hasTimeRange } from './time-range';

export const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];
export const SOURCES = ['stdout', 'stderr', 'gantry'] as const;
type Source = (typeof SOURCES)[number];

export interface OutputFilters {
  /** Empty: every level. */
  readonly levels: readonly LogLevel[];
  readonly sources: readonly Source[];
  readonly pid: number | null;
  readonly search: string;
  /** The search is a regular expression (else words that must all appear). */
  readonly regex: boolean;
  /** Local clock times as datetime-local inputs hold them; '' for no bound. */
  readonly since: string;
  readonly until: string;
}

export const EMPTY_OUTPUT_FILTERS: OutputFilters = { levels: [], sources: [], pid: null, search: '', regex: false, since: '', until: '' };

/** "error" from a link means "error and worse". */
function levelsFrom(min: string | undefined): LogLevel[] {
  const i = LEVELS.indexOf(min as LogLevel);
  return i === -1 ? [] : LEVELS.slice(i);
}

export function compileOutputFilters(f: OutputFilters): (l: OutputRecord) => boolean {
  const levels = f.levels.length ? new Set(f.levels) : null;
  const sources = f.sources.length ? new Set<string>(f.sources) : null;
  const pattern = searchPattern(f.search, f.regex);
  const inRange = compileTimeRange(f.since, f.until);
  return (l) => {
    if (inRange && !inRange(l.time)) return false;
    if (levels && !levels.has(l.level)) return false;
    if (sources && !sources.has(l.source)) return false;
    if (f.pid !== null && l.workerPid !== f.pid) return false;
    if (pattern.kind === 'ok' && !searchMatches(pattern, `${l.text} ${l.requestId ?? ''} ${l.workerPid ?? ''}`)) return false;
    return true;
  };
}

/** The worker pids the picker offers: every pid in the lines held, and the one picked (a link's may have none yet). */
export function outputWorkerPids(rows: readonly Pick<OutputRecord, 'workerPid'>[], picked: number | null): number[] {
  const pids = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    const p = rows[i]!.workerPid;
    if (p !== null) pids.add(p);
  }
  if (picked !== null) pids.add(picked);
  return [...pids].sort((a, b) => a - b);
}

const key = (appId: string) => `gantry.output.filters.${appId}`;

/** The filters to open the tab with: a link's (?level=, ?pid=, ?q=) when it has any, else the app's remembered ones. */
export function initialOutputFilters(
  appId: string,
  query: Readonly<Record<string, string>>,
  storage: Storage | null = safeLocal(),
): OutputFilters {
  if (query.level !== undefined || query.pid !== undefined || query.q !== undefined) {
    return {
      ...EMPTY_OUTPUT_FILTERS,
      levels: levelsFrom(query.level),
      pid: query.pid && /^\d+$/.test(query.pid) ? Number(query.pid) : null,
      search: query.q ?? '',
    };
  }
  return loadOutputFilters(appId, storage);
}

export function loadOutputFilters(appId: string, storage: Storage | null = safeLocal()): OutputFilters {
  const v = recall(storage, key(appId)) as Partial<OutputFilters> | null;
  if (!v || typeof v !== 'object') return EMPTY_OUTPUT_FILTERS;
  // Stored data may come from an older build: keep only what still makes sense.
  return {
    levels: Array.isArray(v.levels) ? v.levels.filter((l): l is LogLevel => LEVELS.includes(l)) : [],
    sources: Array.isArray(v.sources) ? v.sources.filter((x): x is Source => (SOURCES as readonly string[]).includes(x)) : [],
    pid: null,
    search: typeof v.search === 'string' ? v.search : '',
    regex: v.regex === true,
    since: typeof v.since === 'string' ? v.since : '',
    until: typeof v.until === 'string' ? v.until : '',
  };
}

export function saveOutputFilters(appId: string, f: OutputFilters, storage: Storage | null = safeLocal()): void {
  const kept = { levels: f.levels, sources: f.sources, search: f.search, regex: f.regex, since: f.since, until: f.until };
  const worth =
    kept.levels.length > 0 || kept.sources.length > 0 || kept.search.trim() !== '' || kept.regex || hasTimeRange(f.since, f.until);
  remember(storage, key(appId), worth ? kept : null);
}
