// What the arbiter knows about one worker process and about each numbered slot across its workers.
import type { DispatchTarget } from '../gateway/dispatch-target.js';
import type { ExitReason, LogLevel, WorkerSnapshot, WorkerState } from '../runtime/types.js';
import type { Backoff } from './backoff.js';
import type { RssReader } from './process-stats.js';
import type { BootErrorMessage, WorkerProcess } from './worker-process.js';

/** What a boot failure of this worker means: the app fails (start, respawn) or only the caller's action fails (reload). */
export type BootFailurePolicy = 'fail-app' | 'reject';

export interface WorkerRecord {
  readonly uid: number;
  /** Slot number, 1..workers. */
  readonly id: number;
  readonly generation: number;
  readonly threads: number;
  readonly socketPath: string;
  readonly proc: WorkerProcess;
  readonly startedAt: number;
  readonly policy: BootFailurePolicy;
  /** Take traffic as soon as ready (false: the caller switches it in, as a generation reload does). */
  readonly autoAdd: boolean;
  state: WorkerState;
  target: DispatchTarget | null;
  /** Why we are stopping it, when we are: the exit is then not a crash. */
  retiring: string | null;
  /** Marked for replacement: keeps serving until a new worker for its slot is ready. */
  replaceReason: string | null;
  /** Recycle after this many requests (0: never). */
  maxRequests: number;
  bootError: BootErrorMessage | null;
  /** stderr lines written before ready: shown once ready, dropped on a boot error (its traceback says it all). */
  bootOutput: Array<{ time: number; text: string; level: LogLevel }> | null;
  rssBytes: number | null;
  cpuPercent: number | null;
  /** Reads its RSS after each completed request, with --max-worker-rss (Linux; null elsewhere). */
  rss: RssReader | null;
  readonly ready: Promise<void>;
  resolveReady(): void;
  rejectReady(err: Error): void;
}

export interface SlotHistory {
  restarts: number;
  /** Crashes in a row of this slot's workers: how long its next respawn waits. */
  readonly backoff: Backoff;
  lastExit: ExitReason | null;
  /** A respawn is scheduled for this time (ms since epoch); 0: none. */
  respawnAt: number;
}

export function deferred(): { promise: Promise<void>; resolve(): void; reject(err: Error): void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** The plain-data view of a worker for the UI and the control API. */
export function snapshotOf(r: WorkerRecord, slot: SlotHistory): WorkerSnapshot {
  const current = r.target
    ? [...r.target.active.keys()].map((j) => ({ requestId: j.requestId, method: j.method, path: j.path, startedAt: j.startedAt }))
    : [];
  const state: WorkerState =
    r.retiring !== null
      ? r.retiring === 'reload' || r.retiring === 'recycle'
        ? 'draining'
        : 'stopping'
      : r.state === 'idle' && current.length > 0
        ? 'busy'
        : r.state;
  return {
    id: r.id,
    pid: r.proc.pid,
    generation: r.generation,
    state,
    current,
    requests: r.target?.requests ?? 0,
    rssBytes: r.rssBytes,
    cpuPercent: r.cpuPercent,
    startedAt: r.startedAt,
    restarts: slot.restarts,
    lastExit: slot.lastExit,
  };
}
