// Request and response headers for the UI's request drawer, at next to no cost on the request path: an access
// entry keeps a reference to the flat [name, value, …] arrays node:http parsed and the exchange wrote; they
// become objects (masked, values trimmed) only when someone reads that entry through the API. A byte
// budget bounds the memory: past it the oldest entries lose their headers ("not recorded").
import { Ring } from '../ring.js';
import type { AccessEntry } from '../runtime/types.js';

/**
 * Where an entry keeps its header reference. A symbol: copies made with spread/Object.assign (the Host's rings)
 * share it, and JSON.stringify (the API, SSE, log files) never writes it.
 */
export const HEADERS_REF: unique symbol = Symbol('gantry.accessHeaders');

interface HeaderRef {
  req: readonly string[] | null;
  res: readonly string[] | null;
  readonly bytes: number;
}

type WithRef = { [HEADERS_REF]?: HeaderRef };

/**
 * Bytes are the budget: a count says nothing about memory (one request with 40 cookies weighs as much as a hundred
 * plain ones). 16 MB holds the headers of the whole 10,000-entry access history for typical browser traffic
 * (about 1 KB each, overheads included). The entry cap is only a backstop against header-less floods.
 */
const DEFAULT_HEADER_BUDGET = { entries: 100_000, bytes: 16 * 1024 * 1024 } as const;

/** What V8 spends beyond the characters: a record and two arrays per entry, a string header per name and value. */
const REF_OVERHEAD = 64;
const PER_STRING_OVERHEAD = 24;

/** Estimated heap bytes a flat header array holds (one byte per character: header text is Latin-1). */
function flatBytes(flat: readonly string[] | null | undefined): number {
  if (!flat) return 0;
  let bytes = 16 + 8 * flat.length;
  for (let i = 0; i < flat.length; i++) bytes += flat[i]!.length + PER_STRING_OVERHEAD;
  return bytes;
}

/**
 * What a runtime does with each request's raw headers: `keep` them for a drawer in this process (a HeaderKeeper),
 * only `forward` them (attached to the entry for its access listeners, kept nowhere here: a gateway process, whose
 * primary keeps them), or `none` (`gantry serve`: no drawer anywhere).
 */
export type HeaderKeeping = 'keep' | 'forward' | 'none';

/** Hot path: puts the raw arrays on the entry by reference (no copy), and returns the record that holds them. */
export function attachHeaders(
  entry: AccessEntry,
  req: readonly string[] | null | undefined,
  res: readonly string[] | null | undefined,
): HeaderRef {
  const ref: HeaderRef = { req: req ?? null, res: res ?? null, bytes: REF_OVERHEAD + flatBytes(req) + flatBytes(res) };
  (entry as WithRef)[HEADERS_REF] = ref;
  return ref;
}

/** The raw arrays attached to an entry (null: none attached, or evicted by the keeper), for a listener to forward. */
export function rawHeadersOf(entry: AccessEntry): { readonly req: readonly string[] | null; readonly res: readonly string[] | null } {
  const ref = (entry as WithRef)[HEADERS_REF];
  return { req: ref?.req ?? null, res: ref?.res ?? null };
}

/** Keeps the headers of the latest requests (per app runtime), within a byte budget (and a backstop entry cap). */
export class HeaderKeeper {
  // The refs themselves are tiny; what a ref that falls off lets go of is its arrays ("not recorded").
  private readonly refs: Ring<HeaderRef>;

  constructor(
    maxEntries: number = DEFAULT_HEADER_BUDGET.entries,
    readonly maxBytes: number = DEFAULT_HEADER_BUDGET.bytes,
  ) {
    this.refs = new Ring<HeaderRef>({
      capacity: maxEntries,
      maxBytes,
      sizeOf: (ref) => ref.bytes,
      onEvict: (ref) => {
        ref.req = null;
        ref.res = null;
      },
    });
  }

  /** Hot path: no copying, no objects but one small record. */
  keep(entry: AccessEntry, req: readonly string[] | null | undefined, res: readonly string[] | null | undefined): void {
    this.refs.push(attachHeaders(entry, req, res));
  }

  /** Headers still held (for tests and diagnostics). */
  get held(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.refs.size, bytes: this.refs.bytes };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Read side: what the API shows.

/** Same text as the contract's SECRET_MASK (a test keeps them equal; this layer does not import the contract). */
export const HEADER_MASK = '••••';

/** Headers whose values are credentials or session state, masked wherever the API shows them. */
const SENSITIVE_NAMES = new Set([
  'cookie',
  'set-cookie',
  'set-cookie2',
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-refresh-token',
  'x-csrf-token',
  'x-csrftoken',
  'x-xsrf-token',
  'x-amz-security-token',
  'x-goog-api-key',
  'x-session-id',
]);
const SENSITIVE_PATTERN = /token|secret|passw|api[-_]?key|session|credential|signature/i;

export function isSensitiveHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SENSITIVE_NAMES.has(n) || SENSITIVE_PATTERN.test(n);
}

/** Longest value shown; longer ones are cut with a note of their length. */
const MAX_SHOWN_VALUE = 2048;

function shown(name: string, value: string): string {
  if (isSensitiveHeader(name)) {
    // The scheme says what kind of credential it was ("Bearer ••••") without giving it away.
    const lower = name.toLowerCase();
    const scheme = lower === 'authorization' || lower === 'proxy-authorization' ? /^([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1] : undefined;
    return scheme ? `${scheme} ${HEADER_MASK}` : HEADER_MASK;
  }
  return value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}… (${value.length} characters)` : value;
}

/** Flat [name, value, …] → { Name: value } in arrival order, repeats joined with ", ", sensitive values masked. */
export function headersToView(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const names = new Map<string, string>(); // lower-case → the spelling first seen
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const lower = flat[i]!.toLowerCase();
    const name = names.get(lower);
    if (name === undefined) {
      names.set(lower, flat[i]!);
      out[flat[i]!] = flat[i + 1]!;
    } else out[name] = `${out[name]}, ${flat[i + 1]}`;
  }
  for (const k of Object.keys(out)) out[k] = shown(k, out[k]!);
  return out;
}

function objectToView(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = shown(k, v);
  return out;
}

/**
 * The entry as the API shows one request in detail: headers from the kept reference (or from the entry's own
 * header objects, which access-log formats with %({h}i)s fill), masked; absent when not recorded.
 */
export function withHeaderView<T extends AccessEntry>(entry: T): T {
  const ref = (entry as WithRef)[HEADERS_REF];
  const req = ref?.req ? headersToView(ref.req) : entry.requestHeaders ? objectToView(entry.requestHeaders) : undefined;
  const res = ref?.res ? headersToView(ref.res) : entry.responseHeaders ? objectToView(entry.responseHeaders) : undefined;
  const { requestHeaders: _q, responseHeaders: _s, ...rest } = entry;
  return { ...rest, ...(req ? { requestHeaders: req } : {}), ...(res ? { responseHeaders: res } : {}) } as T;
}

/** For lists and live events: header objects (present only with header-using log formats) masked, as everywhere. */
export function maskedForList<T extends AccessEntry>(entry: T): T {
  if (entry.requestHeaders === undefined && entry.responseHeaders === undefined) return entry;
  return {
    ...entry,
    ...(entry.requestHeaders ? { requestHeaders: objectToView(entry.requestHeaders) } : {}),
    ...(entry.responseHeaders ? { responseHeaders: objectToView(entry.responseHeaders) } : {}),
  };
}

/** A response's headers as a flat array (static files, answered by node:http rather than the exchange). */
export function flatResponseHeaders(headers: Readonly<Record<string, number | string | readonly string[] | undefined>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(k, String(x));
    else out.push(k, String(v));
  }
  return out;
}
