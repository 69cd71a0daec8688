// The Requests filters the server applies — to history pages (GET /api/apps/:id/access) and to a live stream
// (GET /api/events?batch=1) — with one meaning: status classes, methods, a path?query substring, a minimum duration.
import type { AccessEntry } from '../runtime/types.js';

export interface AccessFilter {
  readonly status?: readonly string[];
  readonly method?: readonly string[];
  readonly path?: string;
  readonly minDurationMs?: number;
  readonly requestId?: string;
}

/** The predicate for a filter; null when it lets everything through (the caller can skip testing). */
export function accessFilter(f: AccessFilter): ((e: AccessEntry) => boolean) | null {
  const status = f.status && f.status.length > 0 ? f.status : null;
  const methods = f.method && f.method.length > 0 ? f.method.map((m) => m.toUpperCase()) : null;
  const needle = f.path ? f.path.toLowerCase() : null;
  const min = f.minDurationMs;
  const id = f.requestId || null;
  if (!status && !methods && !needle && min === undefined && !id) return null;
  return (e) =>
    (!status || status.includes(`${Math.floor(e.status / 100)}xx`)) &&
    (!methods || methods.includes(e.method.toUpperCase())) &&
    (!needle || `${e.path}${e.query ? `?${e.query}` : ''}`.toLowerCase().includes(needle)) &&
    (min === undefined || e.durationMs >= min) &&
    (!id || e.requestId === id);
}
