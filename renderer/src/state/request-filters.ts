// The Requests table's filters: what they are, whether a row passes, and how they are remembered per app
// (localStorage, so coming back to an app shows the same view).
import type { AccessRecord } from '../api/contract';
import { recall, remember, safeLocal } from './remembered';
import { compileTimeRange, hasTimeRange } from './time-range';

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface RequestFilters {
  /** Empty: every class. */
  readonly statusClasses: readonly StatusClass[];
  /** Empty: every method. */
  readonly methods: readonly string[];
  /** Case-insensitive substring of path + query. */
  readonly path: string;
  /** Milliseconds; 0 or less: no minimum. */
  readonly minDurationMs: number;
  /** Free text over path, query, request id, status, remote address, user agent, worker pid. */
  readonly search: string;
  /** A local clock time as a datetime-local input holds it ('2026-12-04T10:00:30'); '' for no bound (state/time-range.ts). */
  readonly since: string;
  /** Same form; the whole minute or second it names is included. */
  readonly until: string;
}

export const EMPTY_FILTERS: RequestFilters = {
  statusClasses: [],
  methods: [],
  path: '',
  minDurationMs: 0,
  search: '',
  since: '',
  until: '',
};

export function statusClass(status: number): StatusClass {
  const c = Math.floor(status / 100);
  return c <= 1 ? '1xx' : c === 2 ? '2xx' : c === 3 ? '3xx' : c === 4 ? '4xx' : '5xx';
}

export function isFiltering(f: RequestFilters): boolean {
  return (
    f.statusClasses.length > 0 ||
    f.methods.length > 0 ||
    f.path.trim() !== '' ||
    f.minDurationMs > 0 ||
    f.search.trim() !== '' ||
    hasTimeRange(f.since, f.until)
  );
}

type Row = Pick<
  AccessRecord,
  'time' | 'method' | 'path' | 'query' | 'status' | 'durationMs' | 'requestId' | 'remoteAddr' | 'userAgent' | 'workerPid'
>;

/** Builds the predicate once per filter change; it runs for every row of every batch. */
export function compileFilters(f: RequestFilters): (row: Row) => boolean {
  const classes = f.statusClasses.length > 0 ? new Set<string>(f.statusClasses) : null;
  const methods = f.methods.length > 0 ? new Set(f.methods.map((m) => m.toUpperCase())) : null;
  const path = f.path.trim().toLowerCase();
  const min = f.minDurationMs > 0 ? f.minDurationMs : 0;
  const terms = f.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  // Renderer-side: over the rows the table holds (the stream is not told the range; see docs/desktop.md).
  const inRange = compileTimeRange(f.since, f.until);
  return (row) => {
    if (inRange && !inRange(row.time)) return false;
    if (classes && !classes.has(statusClass(row.status))) return false;
    if (methods && !methods.has(row.method.toUpperCase())) return false;
    if (min > 0 && row.durationMs < min) return false;
    if (path) {
      const target = (row.query ? `${row.path}?${row.query}` : row.path).toLowerCase();
      if (!target.includes(path)) return false;
    }
    if (terms.length > 0) {
      const hay =
        `${row.method} ${row.path}?${row.query} ${row.status} ${row.requestId} ${row.remoteAddr} ${row.userAgent} ${row.workerPid ?? ''}`.toLowerCase();
      for (const t of terms) if (!hay.includes(t)) return false;
    }
    return true;
  };
}

const key = (appId: string) => `gantry.requests.filters.${appId}`;

export function loadFilters(appId: string, storage: Storage | null = safeLocal()): RequestFilters {
  const v = recall(storage, key(appId)) as Partial<RequestFilters> | null;
  if (!v || typeof v !== 'object') return EMPTY_FILTERS;
  // Stored data may come from an older build: keep only what still makes sense.
  return {
    statusClasses: Array.isArray(v.statusClasses)
      ? v.statusClasses.filter((c): c is StatusClass => (STATUS_CLASSES as readonly string[]).includes(c))
      : [],
    methods: Array.isArray(v.methods) ? v.methods.filter((m) => typeof m === 'string' && /^[A-Za-z]+$/.test(m)) : [],
    path: typeof v.path === 'string' ? v.path : '',
    minDurationMs: typeof v.minDurationMs === 'number' && Number.isFinite(v.minDurationMs) && v.minDurationMs > 0 ? v.minDurationMs : 0,
    search: typeof v.search === 'string' ? v.search : '',
    since: typeof v.since === 'string' ? v.since : '',
    until: typeof v.until === 'string' ? v.until : '',
  };
}

export function saveFilters(appId: string, f: RequestFilters, storage: Storage | null = safeLocal()): void {
  remember(storage, key(appId), isFiltering(f) ? f : null);
}
