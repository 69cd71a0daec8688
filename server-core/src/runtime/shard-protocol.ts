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
export interface ShardConnection {
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

/** One item of a batch: an access entry (with raw headers when asked for), an output line, or an event. */
export type ShardItem =
  | readonly ['a', AccessEntry, readonly string[] | null, readonly string[] | null]
  | readonly ['o', OutputLine]
  | readonly ['e', AppEvent];

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
