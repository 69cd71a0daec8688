// How a worker's exit reaches clients and the log: while every worker waits out a crash back-off, requests get
// 503 with the back-off as Retry-After at once; a worker killed by a fatal signal shows its Python stack.
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/runtime/types.js';
import { fetchRaw } from '../gateway/http-client.js';
import { appPerTest, until, type Running } from '../runtime/harness.js';
import { RawConnection } from '../helpers/raw-http.js';

const startApp = appPerTest();

type WorkerExit = Extract<AppEvent, { type: 'worker-exit' }>;
const exitsOf = (a: Running): WorkerExit[] => a.events.filter((e): e is WorkerExit => e.type === 'worker-exit');

/**
 * Crashes whichever worker answers, once `ready` workers are idle each time, until a restart waits at least
 * `minMs` (supervisor/backoff.ts: 0, 0, 0.1, 0.2, … s). Returns that last exit.
 */
async function crashIntoBackoff(a: Running, ready: number, minMs = 1600): Promise<WorkerExit> {
  while ((exitsOf(a).at(-1)?.respawnInMs ?? 0) < minMs) {
    await until(() => a.runtime.workers().filter((w) => w.state === 'idle').length >= ready, 15_000, `${ready} ready worker(s)`);
    const n = exitsOf(a).length;
    expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
    await until(() => exitsOf(a).length > n, 5000, 'the exit');
  }
  return exitsOf(a).at(-1)!;
}

describe('crash back-off', () => {
  it('answers 503 with Retry-After at once while the only worker is in back-off', async () => {
    const a = await startApp({ workers: 1 });
    // Crash the worker until its restart waits at least 1.6 s.
    const last = await crashIntoBackoff(a, 1);
    const t0 = performance.now();
    const r = await fetchRaw(`${a.url}/`);
    const ms = performance.now() - t0;
    console.log(
      `request during a ${last.respawnInMs} ms back-off: ${r.status} after ${ms.toFixed(1)} ms, Retry-After ${r.headers['retry-after']}`,
    );
    expect(r.status).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(r.text()).toContain('GANTRY_ERR_NO_WORKERS');
    // Once the worker is back, requests are served again.
    await until(() => a.runtime.workers().some((w) => w.state === 'idle'), 15_000, 'the worker back');
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  }, 60_000);
});

describe('crash back-off with several workers', () => {
  it('answers 503 with Retry-After once every worker is in back-off; serves again as soon as one is back', async () => {
    const a = await startApp({ workers: 2 });
    const lastExit = (id: number) =>
      a.events.filter((e): e is Extract<AppEvent, { type: 'worker-exit' }> => e.type === 'worker-exit' && e.workerId === id).at(-1);
    // Crash both workers, one right after the other, until each waits at least 1.6 s before its restart.
    while ((lastExit(1)?.respawnInMs ?? 0) < 1600 || (lastExit(2)?.respawnInMs ?? 0) < 1600) {
      await until(() => a.runtime.workers().filter((w) => w.state === 'idle').length === 2, 15_000, 'both workers ready');
      const n = a.events.length;
      expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
      expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
      await until(() => a.events.slice(n).filter((e) => e.type === 'worker-exit').length === 2, 5000, 'both exits');
    }
    const t0 = performance.now();
    const r = await fetchRaw(`${a.url}/`);
    const ms = performance.now() - t0;
    console.log(
      `request while both workers are in back-off: ${r.status} after ${ms.toFixed(1)} ms, Retry-After ${r.headers['retry-after']}`,
    );
    expect(r.status).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // As soon as one is back, it serves.
    await until(() => a.runtime.workers().some((w) => w.state === 'idle'), 15_000, 'a worker back');
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  }, 90_000);
});

describe('crash back-off with 2 gateway processes', () => {
  it('new connections go to the gateway process that has a worker, not to the one whose only worker is in back-off', async () => {
    const a = await startApp({ workers: 2, gatewayProcesses: 2 });
    // Crash whichever worker answers until one waits at least 1.6 s before its restart.
    await crashIntoBackoff(a, 2);
    // Each request on a new connection: every one is dealt to the gateway process whose worker serves.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetchRaw(`${a.url}/`)).status);
    expect(statuses).toEqual(statuses.map(() => 200));
  }, 90_000);

  it('a kept-alive connection refused 503 by a gateway process in back-off is closed, so the client comes back to one that serves', async () => {
    const a = await startApp({ workers: 2, gatewayProcesses: 2, keepAlive: 120 });
    // Two kept-alive connections, dealt one to each gateway process (each has one worker: two pids).
    const conns = [await RawConnection.connect(a.port), await RawConnection.connect(a.port)];
    const pids: string[] = [];
    for (const c of conns) {
      await c.write('GET /pid HTTP/1.1\r\nHost: x\r\n\r\n');
      pids.push((await c.responses(1)).responses[0]!.body.toString());
    }
    expect(new Set(pids).size).toBe(2);
    await crashIntoBackoff(a, 2);
    const seconds = await Promise.all(
      conns.map(async (c) => {
        await c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        const { responses, closed } = await c.responses(2);
        return { res: responses[1]!, closed: closed || (await c.waitForClose(5000)) };
      }),
    );
    const refused = seconds.find((x) => x.res.status === 503);
    expect(refused, 'one connection was on the gateway process in back-off').toBeDefined();
    expect(refused!.res.header('connection')).toBe('close');
    expect(refused!.closed).toBe(true);
    expect(seconds.find((x) => x.res.status !== 503)!.res.status).toBe(200);
    for (const c of conns) c.destroy();
  }, 90_000);
});

describe('a worker killed by a fatal signal', () => {
  it('shows the Python stack faulthandler wrote, with its exit and in the output', async () => {
    const a = await startApp({ workers: 1 });
    expect((await fetchRaw(`${a.url}/segv`)).status).toBe(502);
    await until(() => a.events.some((e) => e.type === 'worker-exit'), 10_000, 'the exit');
    const exit = exitsOf(a)[0]!.exit;
    expect(exit.signal).toBe('SIGSEGV');
    const tail = exit.stderrTail.join('\n');
    expect(tail).toContain('Fatal Python error: Segmentation fault');
    expect(tail).toMatch(/File ".*basic\.py", line \d+ in raw_app/);
    const out = a.output.map((l) => l.text).join('\n');
    expect(out).toContain('Fatal Python error: Segmentation fault');
  }, 30_000);
});
