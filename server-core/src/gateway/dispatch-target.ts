// A ready worker as the dispatcher sees it: its socket, its `threads` request slots (one FastCGI
// connection each, opened on first use and kept), and what is running in each slot right now.
import { WorkerConnection } from '../fastcgi/worker-connection.js';

/** What the dispatcher needs from a request: the gateway's per-request exchange implements it. */
export interface DispatchJob {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** When the job got its worker slot (ms since epoch); 0 while queued. */
  startedAt: number;
  /** Times the job was sent to a worker that turned out to be going away (it is retried elsewhere). */
  attempts: number;
  /** The job has a slot and a connected socket: send the request. */
  run(target: DispatchTarget, conn: WorkerConnection): void;
  /** The job will never reach a worker (queue full, no workers, connect failed). */
  refuse(code: 'GANTRY_ERR_QUEUE_FULL' | 'GANTRY_ERR_NO_WORKERS' | 'GANTRY_ERR_WORKER_CRASH'): void;
  /** The job ran past the timeout: answer 504 and let go of the connection. */
  timedOut(): void;
}

export interface TargetInfo {
  /** Slot number 1..workers. */
  readonly workerId: number;
  readonly pid: number;
  readonly generation: number;
}

export class DispatchTarget {
  private readonly idle: WorkerConnection[] = [];
  private opened = 0;
  /** Jobs running now, by the connection carrying them. */
  readonly active = new Map<WorkerConnection, DispatchJob>();
  /** Requests this worker has completed. */
  requests = 0;
  /** Set by the dispatcher: the target takes new jobs. */
  accepting = false;
  /**
   * Set by the supervisor when it stops this worker gracefully: the worker finishes what it has read, so a
   * connection it closes without answering carried a request the app never saw (safe to retry).
   */
  draining = false;
  /** Called when a slot frees up (a request ended or its connection broke). */
  onSlotFree: ((target: DispatchTarget) => void) | null = null;
  /** Called when a request completes, for max-requests accounting. */
  onRequestDone: ((target: DispatchTarget) => void) | null = null;

  constructor(
    readonly socketPath: string,
    readonly threads: number,
    readonly info: TargetInfo,
  ) {}

  get inFlight(): number {
    return this.active.size;
  }

  get hasFreeSlot(): boolean {
    return this.active.size < this.threads;
  }

  /** Takes a slot for `job`; the caller checked hasFreeSlot. */
  take(job: DispatchJob): WorkerConnection {
    let conn = this.idle.pop();
    while (conn !== undefined && !conn.usable) conn = this.idle.pop();
    if (conn === undefined) conn = this.open();
    this.active.set(conn, job);
    return conn;
  }

  private open(): WorkerConnection {
    const conn = new WorkerConnection(this.socketPath);
    this.opened++;
    conn.onIdle = (c) => {
      if (this.active.delete(c)) {
        this.requests++;
        this.idle.push(c);
        this.onRequestDone?.(this);
        this.onSlotFree?.(this);
      }
    };
    conn.onClose = (c) => {
      this.opened--;
      const i = this.idle.indexOf(c);
      if (i !== -1) this.idle.splice(i, 1);
      if (this.active.delete(c)) this.onSlotFree?.(this);
    };
    return conn;
  }

  /** Gives back a slot that was taken but never used (the client left before the request was sent). */
  release(conn: WorkerConnection): void {
    if (!this.active.delete(conn)) return;
    if (conn.usable && !conn.busy) this.idle.push(conn);
    this.onSlotFree?.(this);
  }

  /** Closes idle connections (the worker is draining or gone). */
  closeIdle(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}
