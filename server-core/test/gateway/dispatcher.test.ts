// Dispatcher internals: least-busy choice, `threads` slots per worker, FIFO queue with a bound,
// cancellation, refusal when there are no workers, and timeout detection. The "workers" are plain unix
// socket servers: the dispatcher only connects, the jobs here never speak FastCGI.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkerConnection } from '../../src/fastcgi/worker-connection.js';
import { DispatchTarget, type DispatchJob } from '../../src/gateway/dispatch-target.js';
import { Dispatcher } from '../../src/gateway/dispatcher.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { cleanupPerTest } from '../helpers/per-test.js';

class FakeJob implements DispatchJob {
  startedAt = 0;
  attempts = 0;
  target: DispatchTarget | null = null;
  conn: WorkerConnection | null = null;
  refused: string | null = null;
  timed = false;
  private waiters: Array<() => void> = [];
  constructor(readonly requestId: string) {}
  readonly method = 'GET';
  readonly path = '/';
  run(target: DispatchTarget, conn: WorkerConnection): void {
    this.target = target;
    this.conn = conn;
    this.waiters.forEach((w) => w());
  }
  refuse(code: string): void {
    this.refused = code;
    this.waiters.forEach((w) => w());
  }
  timedOut(): void {
    this.timed = true;
  }
  /** Resolves once the job has a slot (or was refused). */
  settled(): Promise<void> {
    if (this.conn || this.refused) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }
  /** What the worker's END_REQUEST does: the slot frees. */
  finish(): void {
    this.conn!.onRequestEnd!(this.conn!, this);
  }
}

const tmp = tempDirScope();
const defer = cleanupPerTest();

async function fakeWorker(id: number, threads: number): Promise<DispatchTarget> {
  const path = join(tmp.path, `w${id}.sock`);
  const server = createServer((sock) => sock.on('error', () => {}));
  defer(() => new Promise((r) => server.close(r)));
  await new Promise<void>((r) => server.listen(path, r));
  return new DispatchTarget(path, threads, { workerId: id, pid: 1000 + id, generation: 1 });
}

describe('Dispatcher', () => {
  it('sends each job to the least-busy worker and honours threads per worker', async () => {
    const d = new Dispatcher(10);
    const w1 = await fakeWorker(1, 2);
    const w2 = await fakeWorker(2, 1);
    d.addTarget(w1);
    d.addTarget(w2);
    const jobs = ['a', 'b', 'c', 'd'].map((id) => new FakeJob(id));
    for (const j of jobs) d.dispatch(j);
    await Promise.all(jobs.slice(0, 3).map((j) => j.settled()));
    expect(jobs.slice(0, 3).map((j) => j.target!.info.workerId)).toEqual([1, 2, 1]);
    expect(jobs[3]!.conn).toBeNull();
    expect(d.queueDepth).toBe(1);
    expect(d.inFlight).toBe(3);
    jobs[1]!.finish();
    await jobs[3]!.settled();
    expect(jobs[3]!.target!.info.workerId).toBe(2);
    expect(d.queueDepth).toBe(0);
    expect(w2.requests).toBe(1);
    for (const c of [jobs[0], jobs[2], jobs[3]]) c!.conn!.destroy();
  });

  it('queues FIFO up to maxQueue, refuses past it, and forgets cancelled jobs', async () => {
    const d = new Dispatcher(2);
    const w = await fakeWorker(1, 1);
    d.addTarget(w);
    const first = new FakeJob('1');
    d.dispatch(first);
    await first.settled();
    const [q1, q2, q3, over] = ['q1', 'q2', 'q3', 'over'].map((id) => new FakeJob(id));
    d.dispatch(q1!);
    d.dispatch(q2!);
    expect(d.cancel(q1!)).toBe(true);
    d.dispatch(q3!);
    d.dispatch(over!);
    expect(over!.refused).toBe('GANTRY_ERR_QUEUE_FULL');
    expect(d.queueDepth).toBe(2);
    first.finish();
    await q2!.settled();
    expect(q1!.conn).toBeNull();
    q2!.finish();
    await q3!.settled();
    expect(q3!.conn).not.toBeNull();
    q3!.conn!.destroy();
    first.conn!.destroy();
  });

  it('refuses when it has no workers and is told to, queues while they are coming', () => {
    const d = new Dispatcher(5);
    const waiting = new FakeJob('w');
    d.dispatch(waiting);
    expect(d.queueDepth).toBe(1);
    d.mode = 'refuse';
    const refused = new FakeJob('r');
    d.dispatch(refused);
    expect(refused.refused).toBe('GANTRY_ERR_NO_WORKERS');
    d.refuseQueued('GANTRY_ERR_NO_WORKERS');
    expect(waiting.refused).toBe('GANTRY_ERR_NO_WORKERS');
  });

  it('reports jobs past the timeout, on draining workers too', async () => {
    const d = new Dispatcher(5);
    const w = await fakeWorker(1, 1);
    d.addTarget(w);
    const j = new FakeJob('slow');
    d.dispatch(j);
    await j.settled();
    d.removeTarget(w);
    expect(d.overdue(j.startedAt + 500, 1000)).toEqual([]);
    expect(d.overdue(j.startedAt + 1500, 1000).map((o) => o.job.requestId)).toEqual(['slow']);
    j.conn!.destroy();
  });

  it('retries a job on another worker when its worker stopped listening', async () => {
    const d = new Dispatcher(5);
    const gone = new DispatchTarget(join(tmp.path, 'nobody.sock'), 1, { workerId: 9, pid: 9, generation: 1 });
    const w = await fakeWorker(1, 1);
    d.addTarget(gone);
    const j = new FakeJob('x');
    d.dispatch(j);
    d.addTarget(w);
    await j.settled();
    expect(j.target?.info.workerId).toBe(1);
    expect(j.attempts).toBe(2);
    j.conn!.destroy();
  });
});
