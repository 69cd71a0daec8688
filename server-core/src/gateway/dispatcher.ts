// Routes requests to workers: the least-busy accepting worker with a free slot, else a bounded FIFO
// queue (full → 503 with Retry-After), and finds requests that ran past the timeout.
import type { DispatchJob, DispatchTarget } from './dispatch-target.js';

/**
 * 'queue' while workers are (or will soon be) there; 'backoff' while every worker slot waits out a crash
 * back-off (nothing to wait for: 503 with the back-off as Retry-After); 'refuse' when stopped or failed.
 */
export type DispatcherMode = 'queue' | 'backoff' | 'refuse';

/** How many workers a request may be offered to when the first ones turn out to be going away. */
export const MAX_ATTEMPTS = 3;

export class Dispatcher {
  private readonly targets: DispatchTarget[] = [];
  /** Every target with work in flight or taking work, draining ones included (for timeouts). */
  readonly known = new Set<DispatchTarget>();
  private queue: Array<DispatchJob | null> = [];
  private head = 0;
  private queued = 0;
  mode: DispatcherMode = 'queue';
  /** Retry-After (s) of the 503s given in 'backoff' mode. */
  private backoffS = 1;

  constructor(public maxQueue: number) {}

  get queueDepth(): number {
    return this.queued;
  }

  get inFlight(): number {
    let n = 0;
    for (const t of this.known) n += t.inFlight;
    return n;
  }

  accepting(): readonly DispatchTarget[] {
    return this.targets;
  }

  dispatch(job: DispatchJob): void {
    const target = this.pick();
    if (target !== null) return this.assign(target, job);
    if (this.mode === 'refuse') return job.refuse('GANTRY_ERR_NO_WORKERS');
    if (this.mode === 'backoff') return job.refuse('GANTRY_ERR_NO_WORKERS', this.backoffS);
    if (this.queued >= this.maxQueue) return job.refuse('GANTRY_ERR_QUEUE_FULL');
    this.queue.push(job);
    this.queued++;
  }

  /** The client left while the job waited. */
  cancel(job: DispatchJob): boolean {
    for (let i = this.head; i < this.queue.length; i++) {
      if (this.queue[i] === job) {
        this.queue[i] = null;
        this.queued--;
        return true;
      }
    }
    return false;
  }

  /** A worker is ready: it takes new jobs, starting with queued ones. */
  addTarget(target: DispatchTarget): void {
    if (this.targets.includes(target)) return;
    target.accepting = true;
    target.onSlotFree = (t) => this.slotFree(t);
    this.targets.push(target);
    this.known.add(target);
    this.drainQueue();
  }

  /** No new jobs for this worker (draining, stopping, dead); in-flight ones carry on. */
  removeTarget(target: DispatchTarget): void {
    target.accepting = false;
    const i = this.targets.indexOf(target);
    if (i !== -1) this.targets.splice(i, 1);
    target.closeIdle();
  }

  /** The worker's process is gone: forget it. */
  forget(target: DispatchTarget): void {
    this.removeTarget(target);
    this.known.delete(target);
  }

  /**
   * Every worker is waiting out a crash back-off (`untilMs` the soonest ends): refuse what waits and what
   * comes, with that as Retry-After, until backoffOver(). Only from 'queue' ('refuse' stays).
   */
  backingOff(untilMs: number): void {
    if (this.mode === 'refuse') return;
    this.backoffS = Math.max(1, Math.ceil(untilMs / 1000));
    this.mode = 'backoff';
    this.refuseQueued('GANTRY_ERR_NO_WORKERS', this.backoffS);
  }

  backoffOver(): void {
    if (this.mode === 'backoff') this.mode = 'queue';
  }

  /** Refuses everything queued (the app stopped or failed). */
  refuseQueued(code: 'GANTRY_ERR_NO_WORKERS' | 'GANTRY_ERR_QUEUE_FULL', retryAfterS?: number): void {
    const jobs = this.queue.slice(this.head).filter((j): j is DispatchJob => j !== null);
    this.queue = [];
    this.head = 0;
    this.queued = 0;
    for (const j of jobs) j.refuse(code, retryAfterS);
  }

  /** Jobs that started more than `timeoutMs` ago, with their workers. */
  overdue(now: number, timeoutMs: number): Array<{ target: DispatchTarget; job: DispatchJob }> {
    const out: Array<{ target: DispatchTarget; job: DispatchJob }> = [];
    for (const target of this.known) {
      for (const job of target.active.keys()) {
        if (job.startedAt > 0 && now - job.startedAt > timeoutMs) out.push({ target, job });
      }
    }
    return out;
  }

  private pick(): DispatchTarget | null {
    const targets = this.targets;
    let best: DispatchTarget | null = null;
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      if (!t.hasFreeSlot) continue;
      if (t.inFlight === 0) return t;
      if (best === null || t.inFlight < best.inFlight) best = t;
    }
    return best;
  }

  private assign(target: DispatchTarget, job: DispatchJob): void {
    const conn = target.take(job);
    job.startedAt = Date.now();
    job.attempts++;
    conn.ensureConnected((err) => {
      if (err === null) return job.run(target, conn);
      // The request never reached the worker (it stopped listening: stopping or dead), so it is safe to
      // send elsewhere. The slot is released by the connection's close.
      this.removeTarget(target);
      if (job.attempts < MAX_ATTEMPTS) {
        job.startedAt = 0;
        this.dispatch(job);
      } else job.refuse('GANTRY_ERR_WORKER_CRASH');
    });
  }

  private slotFree(target: DispatchTarget): void {
    if (this.queued === 0) return;
    if (target.accepting && target.hasFreeSlot) {
      const job = this.shift();
      if (job !== null) this.assign(target, job);
      return;
    }
    this.drainQueue();
  }

  private drainQueue(): void {
    while (this.queued > 0) {
      const target = this.pick();
      if (target === null) return;
      const job = this.shift();
      if (job === null) return;
      this.assign(target, job);
    }
  }

  private shift(): DispatchJob | null {
    while (this.head < this.queue.length) {
      const job = this.queue[this.head];
      this.queue[this.head++] = null;
      if (job !== null && job !== undefined) {
        this.queued--;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        return job;
      }
    }
    this.queue = [];
    this.head = 0;
    return null;
  }
}
