// No waiting for nothing: while every worker waits out a crash back-off, requests get 503 with the back-off
// as Retry-After at once, instead of queueing until a worker is back; once one is, they are served again.
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
