// The boundary between the primary process of a multi-core gateway (`--gateway-processes N`) and its N
// gateway processes ("shards"). Each shard is a whole app runtime over its share of the workers: it serves the
// connections the primary accepts and sends it, dispatches to its own workers and supervises them. The
// primary owns the logs, metrics and the AppRuntime interface; it sees only these messages (IPC, advanced
// serialization). Worker ids are global in the primary and local (1..share) in a shard; the mapping is here.
import type { AppSettings } from '../config/settings.js';
import type { SerializedError } from '../errors.js';
import type { BoundAddress } from '../gateway/listen-socket.js';
import type { AccessEntry, AppEvent, AppState, OutputLine, ReloadMode, WorkerSnapshot } from './types.js';

/** What a shard is told once, right after it is forked. */
export interface ShardInit {
  readonly t: 'init';
  readonly index: number;
  readonly count: number;
  /** The shard's own settings: workers = its share, gatewayProcesses = 1, no metrics listener. */
  readonly settings: AppSettings;
  readonly workerScript?: string;
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  readonly processStats: boolean;
  /** Forward each request's raw header arrays (the UI's request drawer); `gantry serve` does not need them. */
  readonly forwardHeaders: boolean;
  /** The primary's listening addresses, one per bind in order (connections arrive as 'conn' messages). */
  readonly listeners: readonly BoundAddress[];
}

/** A connection the primary accepted on listener `listener`; the socket is the message's handle. */
interface ShardConnection {
  readonly t: 'conn';
  readonly listener: number;
}

export type ShardOp =
  | { readonly op: 'reload'; readonly mode: ReloadMode; readonly settings: AppSettings }
  | { readonly op: 'scale'; readonly workers: number }
  | { readonly op: 'update'; readonly settings: Partial<AppSettings> }
  | { readonly op: 'restartWorker'; readonly workerId: number }
  | { readonly op: 'stop'; readonly graceful: boolean };

export type ToShard = ShardInit | ShardConnection | ({ readonly t: 'call'; readonly id: number } & ShardOp);

/**
 * An access entry on the wire: a tuple (a third of the bytes of the object and a third of the time to
 * serialise, measured with v8.serialize), `app` left out (the primary knows it), the raw header arrays last.
 */
export type WireAccess = readonly [
  time: number,
  requestId: string,
  method: string,
  path: string,
  query: string,
  protocol: string,
  status: number,
  bytes: number,
  durationMs: number,
  workerPid: number | null,
  workerId: number | null,
  remoteAddr: string,
  userAgent: string,
  referer: string,
  remoteUser: string | null,
  requestHeaders: Readonly<Record<string, string>> | null,
  responseHeaders: Readonly<Record<string, string>> | null,
  rawRequestHeaders: readonly string[] | null,
  rawResponseHeaders: readonly string[] | null,
  truncated: boolean,
  /** queueMs, appMs, ttfbMs, transferMs (RequestTiming's order); null when the request reached no worker. */
  timing: readonly [number, number, number, number] | null,
];

export function toWireAccess(e: AccessEntry, rawReq: readonly string[] | null, rawRes: readonly string[] | null): WireAccess {
  return [
    e.time,
    e.requestId,
    e.method,
    e.path,
    e.query,
    e.protocol,
    e.status,
    e.bytes,
    e.durationMs,
    e.workerPid,
    e.workerId ?? null,
    e.remoteAddr,
    e.userAgent,
    e.referer,
    e.remoteUser ?? null,
    e.requestHeaders ?? null,
    e.responseHeaders ?? null,
    rawReq,
    rawRes,
    e.truncated === true,
    e.timing ? [e.timing.queueMs, e.timing.appMs, e.timing.ttfbMs, e.timing.transferMs] : null,
  ];
}

/** The entry back, with the app's name and the worker id mapped (global) by the caller. */
export function fromWireAccess(w: WireAccess, app: string, workerId: number | null): AccessEntry {
  return {
    time: w[0],
    app,
    requestId: w[1],
    method: w[2],
    path: w[3],
    query: w[4],
    protocol: w[5],
    status: w[6],
    bytes: w[7],
    durationMs: w[8],
    workerPid: w[9],
    workerId,
    remoteAddr: w[11],
    userAgent: w[12],
    referer: w[13],
    ...(w[14] !== null ? { remoteUser: w[14] } : {}),
    ...(w[15] !== null ? { requestHeaders: w[15] } : {}),
    ...(w[16] !== null ? { responseHeaders: w[16] } : {}),
    ...(w[19] ? { truncated: true } : {}),
    ...(w[20] !== null ? { timing: { queueMs: w[20][0], appMs: w[20][1], ttfbMs: w[20][2], transferMs: w[20][3] } } : {}),
  };
}

/** One item of a batch: an access entry, an output line, or an event. */
export type ShardItem = readonly ['a', WireAccess] | readonly ['o', OutputLine] | readonly ['e', AppEvent];

export interface ShardStatus {
  readonly state: AppState;
  readonly healthy: boolean;
  readonly error: SerializedError | null;
  readonly workers: readonly WorkerSnapshot[];
  readonly inFlight: number;
  readonly queueDepth: number;
}

export type FromShard =
  /** The shard listens for messages now (anything sent before would be lost): send it the init. */
  | { readonly t: 'hello' }
  /** It now holds the next `n` connections sent (the primary closes its copies). */
  | { readonly t: 'got'; readonly n: number }
  | { readonly t: 'started'; readonly urls: readonly string[]; readonly python: string | null }
  | { readonly t: 'start-failed'; readonly error: SerializedError }
  | { readonly t: 'batch'; readonly items: readonly ShardItem[] }
  | ({ readonly t: 'status' } & ShardStatus)
  | { readonly t: 'reply'; readonly id: number; readonly error: SerializedError | null };

/** The shard (0-based) that owns global worker id `id` (1-based): ids are dealt round-robin. */
export function shardOf(id: number, count: number): number {
  return (id - 1) % count;
}

/** A shard's local worker id (1..share) → the global id. */
export function globalWorkerId(local: number, shard: number, count: number): number {
  return (local - 1) * count + shard + 1;
}

/** Global worker id → the owning shard's local id. */
export function localWorkerId(id: number, count: number): number {
  return Math.floor((id - 1) / count) + 1;
}

/** How many of `workers` (global ids 1..workers) shard `shard` of `count` owns. */
export function shareOf(workers: number, shard: number, count: number): number {
  return workers > shard ? Math.floor((workers - 1 - shard) / count) + 1 : 0;
}
