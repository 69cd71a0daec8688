// How a worker's exit reaches clients and the log: while every worker waits out a crash back-off, requests get
// 503 with the back-off as Retry-After at once; a worker killed by a fatal signal shows its Python stack.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/runtime/types.js';
import { fetchRaw } from '../gateway/http-client.js';
import { startApp, until, type Running } from '../runtime/harness.js';

let app: Running | null = null;
afterEach(async () => {
  await app?.stop();
  app = null;
});

describe('crash back-off', () => {
  it('answers 503 with Retry-After at once while the only worker is in back-off', async () => {
    app = await startApp({ workers: 1 });
    const a = app;
    const exits = (): Array<Extract<AppEvent, { type: 'worker-exit' }>> => a.events.filter((e): e is Extract<AppEvent, { type: 'worker-exit' }> => e.type === 'worker-exit');
    // Crash the worker until its restart waits at least 1.6 s (supervisor/backoff.ts: 0, 0, 0.1, 0.2, … s).
    while ((exits().at(-1)?.respawnInMs ?? 0) < 1600) {
      await until(() => a.runtime.workers().some((w) => w.state === 'idle'), 15_000, 'a ready worker');
      const n = exits().length;
      expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
      await until(() => exits().length > n, 5000, 'the exit');
    }
    const t0 = performance.now();
    const r = await fetchRaw(`${a.url}/`);
    const ms = performance.now() - t0;
    console.log(`request during a ${exits().at(-1)!.respawnInMs} ms back-off: ${r.status} after ${ms.toFixed(1)} ms, Retry-After ${r.headers['retry-after']}`);
    expect(r.status).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(r.text()).toContain('GANTRY_ERR_NO_WORKERS');
    // Once the worker is back, requests are served again.
    await until(() => a.runtime.workers().some((w) => w.state === 'idle'), 15_000, 'the worker back');
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  }, 60_000);
});

describe('a worker killed by a fatal signal', () => {
  it("shows the Python stack faulthandler wrote, with its exit and in the output", async () => {
    app = await startApp({ workers: 1 });
    const a = app;
    expect((await fetchRaw(`${a.url}/segv`)).status).toBe(502);
    await until(() => a.events.some((e) => e.type === 'worker-exit'), 10_000, 'the exit');
    const exit = a.events.find((e): e is Extract<AppEvent, { type: 'worker-exit' }> => e.type === 'worker-exit')!.exit;
    expect(exit.signal).toBe('SIGSEGV');
    const tail = exit.stderrTail.join('\n');
    expect(tail).toContain('Fatal Python error: Segmentation fault');
    expect(tail).toMatch(/File ".*basic\.py", line \d+ in raw_app/);
    const out = a.output.map((l) => l.text).join('\n');
    expect(out).toContain('Fatal Python error: Segmentation fault');
  }, 30_000);
});
