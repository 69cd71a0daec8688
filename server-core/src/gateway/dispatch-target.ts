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
  /** Answer without a worker; `retryAfterS` for the Retry-After of a 503 (default 1). */
  refuse(code: 'GANTRY_ERR_QUEUE_FULL' | 'GANTRY_ERR_NO_WORKERS' | 'GANTRY_ERR_WORKER_CRASH', retryAfterS?: number): void;
  /** The job ran past the timeout: answer 504 and let go of the connection. */
  timedOut(): void;
}

/**
 * Pipelining saves a single-threaded worker a wake-up per request (tens of µs): it pays for short requests
 * only. A worker whose requests take longer than this (on average, or the one running now) gets no more
 * than one at a time, so nothing waits inside a busy worker that could wait in the queue for any worker.
 */
const PIPELINE_MAX_MS = 2;

export interface TargetInfo {
  /** Slot number 1..workers. */
  readonly workerId: number;
  readonly pid: number;
  readonly generation: number;
}

export class DispatchTarget {
  private readonly conns: WorkerConnection[] = [];
  /** Jobs each connection carries (begun or about to be). */
  private readonly assigned = new Map<WorkerConnection, number>();
  /** Jobs running now, with the connection carrying each. */
  readonly active = new Map<DispatchJob, WorkerConnection>();
  /** Requests this worker has completed. */
  requests = 0;
  /** Moving average of a request's time on this worker (ms), -1 until one completed. */
  private serviceMs = -1;
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

  /**
   * `threads` connections, each carrying up to `depth` requests at once (depth > 1 pipelines requests to
   * a worker that runs them one after another).
   */
  constructor(
    readonly socketPath: string,
    readonly threads: number,
    readonly info: TargetInfo,
    readonly depth = 1,
  ) {}

  get inFlight(): number {
    return this.active.size;
  }

  get hasFreeSlot(): boolean {
    const n = this.active.size;
    if (n < this.threads) return true;
    return n < this.threads * this.depth && this.pipelining();
  }

  /** Whether requests may be sent ahead now: the worker's requests are short, and so far is the running one. */
  private pipelining(): boolean {
    if (this.serviceMs < 0 || this.serviceMs > PIPELINE_MAX_MS) return false;
    const oldest = this.active.keys().next().value;
    return oldest === undefined || oldest.startedAt === 0 || Date.now() - oldest.startedAt <= PIPELINE_MAX_MS;
  }

  /** Takes a slot for `job` on the least-loaded connection; the caller checked hasFreeSlot. */
  take(job: DispatchJob): WorkerConnection {
    let best: WorkerConnection | null = null;
    let bestLoad = Infinity;
    for (const c of this.conns) {
      const load = this.assigned.get(c) ?? 0;
      if (c.usable && load < this.depth && load < bestLoad) {
        best = c;
        bestLoad = load;
        if (load === 0) break;
      }
    }
    if (best === null || (bestLoad > 0 && this.conns.length < this.threads)) best = this.open();
    this.assigned.set(best, (this.assigned.get(best) ?? 0) + 1);
    this.active.set(job, best);
    return best;
  }

  private open(): WorkerConnection {
    const conn = new WorkerConnection(this.socketPath);
    this.conns.push(conn);
    conn.onRequestEnd = (c, owner) => {
      if (this.drop(owner as DispatchJob, c)) {
        this.requests++;
        this.onRequestDone?.(this);
        this.onSlotFree?.(this);
      }
    };
    conn.onClose = (c) => {
      const i = this.conns.indexOf(c);
      if (i !== -1) this.conns.splice(i, 1);
      this.assigned.delete(c);
      let freed = false;
      for (const [job, jc] of this.active) {
        if (jc === c) {
          this.active.delete(job);
          freed = true;
        }
      }
      if (freed) this.onSlotFree?.(this);
    };
    return conn;
  }

  private drop(job: DispatchJob, conn: WorkerConnection): boolean {
    if (this.active.get(job) !== conn) return false;
    if (this.depth > 1 && job.startedAt > 0) {
      const ms = Date.now() - job.startedAt;
      this.serviceMs = this.serviceMs < 0 ? ms : this.serviceMs * 0.8 + ms * 0.2;
    }
    this.active.delete(job);
    this.assigned.set(conn, Math.max(0, (this.assigned.get(conn) ?? 1) - 1));
    return true;
  }

  /** Gives back a slot that was taken but never used (the client left before the request was sent). */
  release(job: DispatchJob): void {
    const conn = this.active.get(job);
    if (conn !== undefined && this.drop(job, conn)) this.onSlotFree?.(this);
  }

  /** Closes connections that carry nothing (the worker is draining or gone). */
  closeIdle(): void {
    for (const c of [...this.conns]) if ((this.assigned.get(c) ?? 0) === 0) c.destroy();
  }
}
