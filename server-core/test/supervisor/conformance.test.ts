// Issue 3 behaviours with no other real-process test: crash back-off growing over real crashes, threads
// per worker changed at the next reload, and the typed per-app/per-worker metrics snapshot (RSS, CPU,
// uptime, busy/idle, restarts by reason) as the UI reads it.
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/runtime/types.js';
import { fetchRaw } from '../gateway/http-client.js';
import { appPerTest, fixtureSettings, until, type Running } from '../runtime/harness.js';

const startApp = appPerTest();

type WorkerExit = Extract<AppEvent, { type: 'worker-exit' }>;

function exits(a: Running): WorkerExit[] {
  return a.events.filter((e): e is WorkerExit => e.type === 'worker-exit');
}

function liveWorker(a: Running): number | null {
  const w = a.runtime.workers().find((x) => x.state === 'idle' || x.state === 'busy');
  return w?.pid ?? null;
}

describe('crash restart back-off (real crashes)', () => {
  it('restarts at once after the first crash, then waits 0.1 s doubling; the reason is kept per worker', async () => {
    const a = await startApp({ workers: 1 });
    for (let i = 1; i <= 4; i++) {
      await until(() => liveWorker(a) !== null, 15_000, `worker up before crash ${i}`);
      const pid = liveWorker(a)!;
      expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
      await until(() => exits(a).length === i && liveWorker(a) !== pid, 15_000, `restart after crash ${i}`);
    }
    expect(exits(a).map((e) => e.respawnInMs)).toEqual([0, 100, 200, 400]);
    for (const e of exits(a)) expect(e.exit).toMatchObject({ code: 17, reason: 'crashed' });
    await until(() => a.runtime.workers().some((x) => x.state === 'idle'), 15_000, 'last replacement ready');
    const w = a.runtime.workers().find((x) => x.state === 'idle')!;
    expect(w.restarts).toBe(4);
    expect(w.lastExit).toMatchObject({ code: 17, reason: 'crashed' });
    expect(a.runtime.prometheus()).toMatch(/gantry_worker_restarts_total\{app="[^"]*",reason="crashed"\} 4/);
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  }, 60_000);
  it("a ready worker that exits with code 3 or 4 (gunicorn's boot codes) mid-request crashed; it did not fail to boot", async () => {
    const a = await startApp({ workers: 1 });
    for (const [i, code] of [3, 4].entries()) {
      await until(() => liveWorker(a) !== null, 15_000, `worker up before exit ${code}`);
      expect((await fetchRaw(`${a.url}/crash?code=${code}`)).status).toBe(502);
      await until(() => exits(a).length === i + 1, 15_000, `exit ${code}`);
      expect(exits(a)[i]!.exit).toMatchObject({ code, reason: 'crashed' });
    }
    // Restarted like any crash, and the app still serves.
    await until(() => a.runtime.workers().some((x) => x.state === 'idle'), 15_000, 'replacement ready');
    expect(a.runtime.status().state).toBe('running');
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  }, 60_000);
});

describe('threads per worker', () => {
  it('a reload with a new --threads value takes effect in the new generation', async () => {
    const a = await startApp({ workers: 1, threads: 1 });
    await a.runtime.reload({ settings: fixtureSettings({ workers: 1, threads: 3 }) });
    expect(a.runtime.status().settings.threads).toBe(3);
    const inflight = Array.from({ length: 3 }, () => fetchRaw(`${a.url}/slow?ms=1500`));
    await until(() => (a.runtime.workers().find((w) => w.state === 'busy')?.current.length ?? 0) === 3, 10_000, '3 requests in one worker');
    expect(a.runtime.metrics().queueDepth).toBe(0);
    expect((await Promise.all(inflight)).map((r) => r.status)).toEqual([200, 200, 200]);
  }, 30_000);
});

describe('metrics snapshot', () => {
  it('per app: requests, rate, latency, status classes, in-flight, queue, busy/total, uptime; per worker: RSS, CPU, requests, uptime', async () => {
    const a = await startApp({ workers: 2, maxWorkerRss: 4096 });
    for (let i = 0; i < 10; i++) await fetchRaw(`${a.url}/`);
    await fetchRaw(`${a.url}/nope`);
    // RSS and CPU are sampled every 2 s; CPU needs two samples.
    await until(
      () => a.runtime.workers().every((w) => w.rssBytes !== null && w.rssBytes > 0 && w.cpuPercent !== null),
      15_000,
      'RSS and CPU sampled',
    );
    const slow = fetchRaw(`${a.url}/slow?ms=1500`);
    await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'one request in flight');
    const m = a.runtime.metrics();
    expect(m.requests).toBe(11);
    expect(m.statusClasses['2xx']).toBe(10);
    expect(m.statusClasses['4xx']).toBe(1);
    expect(m.rate).toBeGreaterThan(0);
    expect(m.latencyMs.p50).toBeGreaterThan(0);
    expect(m.latencyMs.p99).toBeGreaterThanOrEqual(m.latencyMs.p50);
    expect(m.workersBusy).toBe(1);
    expect(m.workersTotal).toBe(2);
    expect(m.queueDepth).toBe(0);
    expect(m.uptimeSeconds).toBeGreaterThan(0);
    const ws = a.runtime.workers();
    expect(ws.map((w) => w.state).sort()).toEqual(['busy', 'idle']);
    expect(ws.reduce((n, w) => n + w.requests, 0)).toBe(11);
    for (const w of ws) expect(w.startedAt).toBeLessThanOrEqual(Date.now());
    const prom = a.runtime.prometheus();
    expect(prom).toMatch(/^gantry_worker_rss_bytes\{app="[^"]*",worker="1"\} \d+/m);
    expect(prom).toMatch(/^gantry_in_flight\{app="[^"]*"\} 1$/m);
    expect((await slow).status).toBe(200);
  }, 30_000);
});
