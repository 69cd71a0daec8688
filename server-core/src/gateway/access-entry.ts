// The one place an access entry is built from a request, whoever answered it (a worker through the
// exchange, the gateway itself, a static file), so every entry says the same things the same way: above
// all the client address the app saw as REMOTE_ADDR (after trusted proxy headers), not the socket peer.
import type { IncomingMessage } from 'node:http';
import type { AccessEntry, RequestTiming } from '../runtime/types.js';
import { splitTarget } from './path-info.js';

/** REMOTE_ADDR as the gateway resolved it for each request (set once, before anything answers it). */
const clientAddresses = new WeakMap<IncomingMessage, string>();

export function setClientAddress(req: IncomingMessage, addr: string): void {
  clientAddresses.set(req, addr);
}

/** The client address the app sees (and the access log records): the resolved one, else the peer. */
function clientAddress(req: IncomingMessage): string {
  return clientAddresses.get(req) ?? req.socket.remoteAddress ?? '';
}

/** What only whoever answered knows. */
export interface AccessOutcome {
  readonly time: number;
  readonly requestId: string;
  readonly status: number;
  /** Body bytes sent (0 is written for HEAD whatever this says). */
  readonly bytes: number;
  readonly durationMs: number;
  readonly workerPid?: number | null;
  readonly workerId?: number | null;
  readonly truncated?: boolean;
  /** Where the time went, when a worker ran it (AccessEntry.timing). */
  readonly timing?: RequestTiming;
  /** The target already split (the exchange has it); else it is split here. */
  readonly path?: string;
  readonly query?: string;
  /** Request and response headers as objects, for formats that print them. */
  readonly responseHeaders?: readonly string[] | null;
  readonly includeHeaders?: boolean;
}

export function buildAccessEntry(app: string, req: IncomingMessage, o: AccessOutcome): AccessEntry {
  const raw = req.rawHeaders;
  let userAgent = '';
  let referer = '';
  let remoteUser: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 10 && n.toLowerCase() === 'user-agent') userAgent = raw[i + 1]!;
    else if (n.length === 7 && n.toLowerCase() === 'referer') referer = raw[i + 1]!;
    else if (n.length === 13 && n.toLowerCase() === 'authorization') remoteUser = basicUser(raw[i + 1]!);
  }
  let path = o.path;
  let query = o.query;
  if (path === undefined || query === undefined) {
    const url = req.url ?? '';
    // A refused request's target can be huge: the log keeps its start.
    const target = splitTarget(url.length > 2048 ? url.slice(0, 2048) : url);
    path = target.path;
    query = target.query;
  }
  const method = req.method ?? '';
  return {
    time: o.time,
    app,
    requestId: o.requestId,
    method,
    path,
    query,
    protocol: `HTTP/${req.httpVersion}`,
    status: o.status,
    bytes: method === 'HEAD' ? 0 : o.bytes,
    ...(o.truncated ? { truncated: true } : {}),
    durationMs: o.durationMs,
    ...(o.timing !== undefined ? { timing: o.timing } : {}),
    workerPid: o.workerPid ?? null,
    workerId: o.workerId ?? null,
    remoteAddr: clientAddress(req),
    userAgent,
    referer,
    ...(remoteUser !== undefined ? { remoteUser } : {}),
    ...(o.includeHeaders ? { requestHeaders: pairsToObject(raw), responseHeaders: pairsToObject(o.responseHeaders ?? []) } : {}),
  };
}

/** The user of `Authorization: Basic …`, as gunicorn's %(u)s. */
function basicUser(value: string): string | undefined {
  if (!/^basic /i.test(value)) return undefined;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(0, colon);
}

/** Flat [name, value, …] → { lowercased name: value } (repeats joined with ', '). */
function pairsToObject(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i]!.toLowerCase();
    out[k] = k in out ? `${out[k]}, ${flat[i + 1]}` : flat[i + 1]!;
  }
  return out;
}
