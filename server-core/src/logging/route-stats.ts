// "Which endpoint is slow?": access entries grouped by method and route pattern, with count, error rates and
// nearest-rank percentiles. The pattern folds the parts of a path that name one thing among many (numbers,
// UUIDs, hex ids) so /items/1 and /items/2 are one route.
import type { AccessEntry } from '../runtime/types.js';

const NUMBER = /^-?\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Hex ids (object ids, hashes, short SHAs): 8+ hex digits with at least one digit and one letter, so words
// like "deadbeef" alone or "cafe" stay, and plain numbers are {id}.
const HEX = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}$/i;

export function routePattern(path: string): string {
  return path
    .split('/')
    .map((seg) => (seg === '' ? seg : NUMBER.test(seg) ? '{id}' : UUID.test(seg) ? '{uuid}' : HEX.test(seg) ? '{hex}' : seg))
    .join('/');
}

/** One method + route pattern (the control API's `GET /api/apps/:id/routes` rows). */
export interface RouteStat {
  readonly method: string;
  /** The path with numbers, UUIDs and hex ids folded: `/items/{id}`, `/u/{uuid}`, `/blob/{hex}`. */
  readonly pattern: string;
  readonly count: number;
  /** Share of responses with status >= 500, and >= 400 and < 500 (0..1). */
  readonly errorRate: number;
  readonly clientErrorRate: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly slowest: { readonly requestId: string; readonly durationMs: number };
}

/** Nearest-rank percentile of sorted values (the value at rank ceil(p/100 · n)). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function routeStats(entries: Iterable<AccessEntry>): RouteStat[] {
  const groups = new Map<
    string,
    { method: string; pattern: string; durations: number[]; errors: number; client: number; slowest: AccessEntry }
  >();
  for (const e of entries) {
    const pattern = routePattern(e.path);
    const key = `${e.method} ${pattern}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { method: e.method, pattern, durations: [], errors: 0, client: 0, slowest: e }));
    g.durations.push(e.durationMs);
    if (e.status >= 500) g.errors++;
    else if (e.status >= 400) g.client++;
    if (e.durationMs > g.slowest.durationMs) g.slowest = e;
  }
  const out: RouteStat[] = [];
  for (const g of groups.values()) {
    const d = g.durations.sort((a, b) => a - b);
    out.push({
      method: g.method,
      pattern: g.pattern,
      count: d.length,
      errorRate: g.errors / d.length,
      clientErrorRate: g.client / d.length,
      p50Ms: percentile(d, 50),
      p95Ms: percentile(d, 95),
      p99Ms: percentile(d, 99),
      slowest: { requestId: g.slowest.requestId, durationMs: g.slowest.durationMs },
    });
  }
  return out.sort((a, b) => b.p95Ms - a.p95Ms || b.count - a.count);
}
