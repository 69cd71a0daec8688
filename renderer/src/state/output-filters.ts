// Filters of the Output tab: levels, sources, a worker pid (crash notices link here with ?pid=) and text.
import type { LogLevel, OutputRecord } from '../api/contract';

export const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];
export const SOURCES = ['stdout', 'stderr', 'gantry'] as const;
export type Source = (typeof SOURCES)[number];

export interface OutputFilters {
  /** Empty: every level. */
  readonly levels: readonly LogLevel[];
  readonly sources: readonly Source[];
  readonly pid: number | null;
  readonly search: string;
}

export const EMPTY_OUTPUT_FILTERS: OutputFilters = { levels: [], sources: [], pid: null, search: '' };

/** "error" from a link means "error and worse". */
export function levelsFrom(min: string | undefined): LogLevel[] {
  const i = LEVELS.indexOf(min as LogLevel);
  return i === -1 ? [] : LEVELS.slice(i);
}

export function compileOutputFilters(f: OutputFilters): (l: OutputRecord) => boolean {
  const levels = f.levels.length ? new Set(f.levels) : null;
  const sources = f.sources.length ? new Set<string>(f.sources) : null;
  const terms = f.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return (l) => {
    if (levels && !levels.has(l.level)) return false;
    if (sources && !sources.has(l.source)) return false;
    if (f.pid !== null && l.workerPid !== f.pid) return false;
    if (terms.length) {
      const hay = `${l.text} ${l.requestId ?? ''} ${l.workerPid ?? ''}`.toLowerCase();
      for (const t of terms) if (!hay.includes(t)) return false;
    }
    return true;
  };
}
