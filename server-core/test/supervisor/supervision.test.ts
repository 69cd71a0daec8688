// Supervision over real worker processes: crash restart, kill -9, boot errors, timeouts with a stack,
// graceful stop, reloads (generation, rolling, into a broken app), scaling and recycling.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../src/errors.js';
import { createAppRuntime } from '../../src/runtime/app-runtime.js';
import type { AppEvent } from '../../src/runtime/types.js';
import { fetchRaw } from '../gateway/http-client.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { FIXTURE_APPS, alive, appPerTest, fixtureSettings, until, type Running } from '../runtime/harness.js';

const tempDir = tempDirPerTest();
const startApp = appPerTest();

function livePids(a: Running): number[] {
  return a.runtime
    .workers()
    .filter((w) => w.state === 'idle' || w.state === 'busy')
    .map((w) => w.pid!)
    .sort();
}

/** Requests in a loop until stopped; counts what did not come back 200. */
function loadLoop(url: string, concurrency = 2): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const r = await fetchRaw(`${url}/`);
        if (r.status === 200) ok++;
        else failed.push(`status ${r.status}`);
      } catch (err) {
        failed.push(String(err));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failed };
    },
  };
}

describe('supervision', () => {
  it('restores the worker count after kill -9; only its in-flight request fails (502)', async () => {
    const a = await startApp({ workers: 2 });
    const before = livePids(a);
    expect(before.length).toBe(2);
    const slow = fetchRaw(`${a.url}/slow?ms=3000`);
    await until(() => a.runtime.workers().some((w) => w.current.length > 0), 10_000, 'request in flight');
    const victim = a.runtime.workers().find((w) => w.current.length > 0)!.pid!;
    process.kill(victim, 'SIGKILL');
    expect((await slow).status).toBe(502);
    await until(() => livePids(a).length === 2 && !livePids(a).includes(victim), 15_000, 'replacement worker');
    const exit = a.events.find((e): e is Extract<AppEvent, { type: 'worker-exit' }> => e.type === 'worker-exit' && e.pid === victim);
    expect(exit?.exit).toMatchObject({ signal: 'SIGKILL', reason: 'crashed' });
    expect(exit?.respawnInMs).toBe(0);
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  });

  it('respawns a worker that crashes itself and keeps its last stderr lines', async () => {
    const a = await startApp({ workers: 1 });
    const pid = livePids(a)[0]!;
    expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
    await until(() => livePids(a).length === 1 && livePids(a)[0] !== pid, 15_000, 'respawn');
    const w = a.runtime.workers()[0]!;
    expect(w.restarts).toBe(1);
    expect(w.lastExit).toMatchObject({ code: 17, reason: 'crashed' });
  });

  it('a boot error fails the app with its traceback, once, without respawning', async () => {
    const runtime = createAppRuntime(fixtureSettings({ app: 'broken:application', workers: 2 }), { processStats: false });
    const events: AppEvent[] = [];
    const booted: number[] = [];
    runtime.on('event', (e) => events.push(e));
    runtime.on('output', (l) => {
      const m = /Booting worker with pid: (\d+)/.exec(l.text);
      if (m) booted.push(Number(m[1]));
    });
    let error: unknown;
    await runtime.start().catch((e: unknown) => (error = e));
    expect(isGantryError(error, 'GANTRY_ERR_APP_IMPORT')).toBe(true);
    expect(String((error as { details: { traceback: string } }).details.traceback)).toContain('this_module_does_not_exist_anywhere');
    const status = runtime.status();
    expect(status.state).toBe('failed');
    expect(status.error?.code).toBe('GANTRY_ERR_APP_IMPORT');
    expect(events.filter((e) => e.type === 'boot-error').length).toBe(1);
    expect(booted.length).toBe(2);
    await until(() => booted.every((p) => !alive(p)), 10_000, 'workers gone');
    expect(booted.length).toBe(2);
    await runtime.stop();
  });

  it('a worker that never finishes importing is killed at the boot timeout and fails the start (GANTRY_BOOT_TIMEOUT floor)', async () => {
    // The floor is 60 s unless GANTRY_BOOT_TIMEOUT says otherwise; the boot timeout is the floor or --timeout,
    // whichever is longer: here 2 s.
    const saved = process.env.GANTRY_BOOT_TIMEOUT;
    process.env.GANTRY_BOOT_TIMEOUT = '0.5';
    const runtime = createAppRuntime(fixtureSettings({ app: 'hang_import:application', workers: 1, timeout: 2 }), { processStats: false });
    try {
      const booted: number[] = [];
      const said: string[] = [];
      runtime.on('output', (l) => {
        said.push(l.text);
        const m = /Booting worker with pid: (\d+)/.exec(l.text);
        if (m) booted.push(Number(m[1]));
      });
      const t0 = performance.now();
      let error: unknown;
      await runtime.start().catch((e: unknown) => (error = e));
      const tookMs = performance.now() - t0;
      expect(isGantryError(error, 'GANTRY_ERR_WORKER_BOOT')).toBe(true);
      expect((error as Error).message).toMatch(/did not become ready within 2 s/);
      expect(tookMs).toBeGreaterThanOrEqual(2000); // not before the boot timeout
      expect(runtime.status()).toMatchObject({ state: 'failed', error: { code: 'GANTRY_ERR_WORKER_BOOT' } });
      expect(said.some((t) => /worker 1 did not become ready within 2 s/.test(t))).toBe(true);
      expect(booted).toHaveLength(1); // a boot failure halts; it is not respawned in a loop
      await until(() => !alive(booted[0]!), 10_000, 'the hung worker killed');
    } finally {
      if (saved === undefined) delete process.env.GANTRY_BOOT_TIMEOUT;
      else process.env.GANTRY_BOOT_TIMEOUT = saved;
      await runtime.stop();
    }
  });

  it('a respawn that hits a boot error (code broken since start) fails the app instead of looping', async () => {
    const tmp = await tempDir();
    copyFileSync(join(FIXTURE_APPS, 'basic.py'), join(tmp.path, 'basic.py'));
    const a = await startApp({ workers: 1, chdir: tmp.path });
    writeFileSync(join(tmp.path, 'basic.py'), 'import no_such_module_at_all\n');
    expect((await fetchRaw(`${a.url}/crash`)).status).toBe(502);
    await until(() => a.runtime.status().state === 'failed', 15_000, 'failed state');
    expect(a.runtime.status().error?.code).toBe('GANTRY_ERR_APP_IMPORT');
    expect(a.events.filter((e) => e.type === 'boot-error').length).toBe(1);
    expect((await fetchRaw(`${a.url}/`)).status).toBe(503);
    expect(a.runtime.workers().filter((w) => w.pid !== null && alive(w.pid))).toEqual([]);
  });

  it('answers 504 past the timeout, captures the stack, logs it and replaces the worker', async () => {
    const a = await startApp({ workers: 1, timeout: 1 });
    const pid = livePids(a)[0]!;
    const r = await fetchRaw(`${a.url}/hang`, { headers: { 'X-Request-ID': 'hang-1' } });
    expect(r.status).toBe(504);
    await until(() => a.events.some((e) => e.type === 'timeout'), 10_000, 'timeout event');
    const ev = a.events.find((e): e is Extract<AppEvent, { type: 'timeout' }> => e.type === 'timeout')!;
    expect(ev).toMatchObject({ requestId: 'hang-1', method: 'GET', path: '/hang', workerPid: pid });
    expect(ev.durationMs).toBeGreaterThanOrEqual(1000);
    expect(ev.stack).toMatch(/basic\.py/);
    expect(a.access.find((e) => e.requestId === 'hang-1')?.status).toBe(504);
    await until(() => livePids(a).length === 1 && livePids(a)[0] !== pid, 15_000, 'replacement');
    expect(alive(pid)).toBe(false);
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  });

  it('graceful stop lets the in-flight request finish and leaves no worker behind', async () => {
    const a = await startApp({ workers: 2 });
    const pids = livePids(a);
    const slow = fetchRaw(`${a.url}/slow?ms=800`);
    await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'in flight');
    await a.runtime.stop({ graceful: true });
    const r = await slow;
    expect(r.status).toBe(200);
    expect(r.text()).toBe('slow done');
    expect(pids.filter(alive)).toEqual([]);
    expect(a.runtime.status().state).toBe('stopped');
  });

  it('a graceful stop is bounded by --graceful-timeout even when a request never ends', async () => {
    const a = await startApp({ workers: 1, gracefulTimeout: 1, timeout: 0 });
    const pid = livePids(a)[0]!;
    const hung = fetchRaw(`${a.url}/hang`).then(
      (r) => r.status,
      () => 'cut',
    );
    await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'in flight');
    const t0 = Date.now();
    await a.runtime.stop({ graceful: true });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect([502, 'cut']).toContain(await hung);
    expect(alive(pid)).toBe(false);
  });

  it('reloads (generation and rolling) under a steady request loop with zero failures', async () => {
    const a = await startApp({ workers: 2 });
    const first = livePids(a);
    const load = loadLoop(a.url);
    await a.runtime.reload();
    const second = livePids(a);
    await a.runtime.reload({ mode: 'rolling' });
    const third = livePids(a);
    const { ok, failed } = await load.stop();
    expect(failed).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(second.some((p) => first.includes(p))).toBe(false);
    expect(third.some((p) => second.includes(p))).toBe(false);
    expect(a.runtime.status().generation).toBe(3);
    expect(a.events.filter((e) => e.type === 'reload' && e.phase === 'done').length).toBe(2);
    await until(() => [...first, ...second].every((p) => !alive(p)), 10_000, 'old generations gone');
    // The new workers were not restarted, and the old generation's exits are not theirs.
    expect(a.runtime.workers().map((w) => [w.restarts, w.lastExit])).toEqual([
      [0, null],
      [0, null],
    ]);
  });

  it('a reload into a broken app keeps the old generation serving', async () => {
    const a = await startApp({ workers: 2 });
    const before = livePids(a);
    let error: unknown;
    await a.runtime.reload({ settings: fixtureSettings({ app: 'broken:application', workers: 2 }) }).catch((e: unknown) => (error = e));
    expect(isGantryError(error, 'GANTRY_ERR_RELOAD_FAILED')).toBe(true);
    const failed = a.events.find((e) => e.type === 'reload' && e.phase === 'failed');
    expect(failed).toBeDefined();
    expect(a.runtime.status().state).toBe('running');
    expect(a.runtime.status().settings.app).toBe('basic:application');
    expect(livePids(a)).toEqual(before);
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  });

  it('scales up and down live', async () => {
    const a = await startApp({ workers: 1 });
    await a.runtime.scale(3);
    expect(livePids(a).length).toBe(3);
    await a.runtime.scale(1);
    await until(() => a.runtime.workers().length === 1, 10_000, 'scale down');
    expect(a.events.filter((e) => e.type === 'scale').map((e) => (e as { to: number }).to)).toEqual([3, 1]);
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
  });

  it('recycles by max-requests, rolling, without a failed request', async () => {
    const a = await startApp({ workers: 1, maxRequests: 3 });
    const statuses: number[] = [];
    const pids = new Set<string>();
    // Keep the traffic going until two recycles happened (each replacement takes a moment to boot).
    while (a.events.filter((e) => e.type === 'recycle').length < 2 && statuses.length < 2000) {
      const r = await fetchRaw(`${a.url}/pid`);
      statuses.push(r.status);
      pids.add(r.text());
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(pids.size).toBeGreaterThanOrEqual(2);
    const recycle = a.events.find((e) => e.type === 'recycle');
    expect(recycle).toMatchObject({ reason: 'max-requests', workerId: 1 });
  });

  it('a stop during start ends the start without marking the app failed', async () => {
    const runtime = createAppRuntime(fixtureSettings({ workers: 2 }), { processStats: false });
    const starting = runtime.start().then(
      () => 'started',
      (e: unknown) => (isGantryError(e) ? e.code : String(e)),
    );
    await until(() => runtime.workers().length === 2, 10_000, 'workers spawned');
    await runtime.stop();
    expect(['started', 'GANTRY_ERR_APP_STATE']).toContain(await starting);
    expect(runtime.status().state).toBe('stopped');
    expect(runtime.workers().filter((w) => w.pid !== null && alive(w.pid))).toEqual([]);
  });

  it('starts again after a stop, on the same runtime', async () => {
    const a = await startApp({ workers: 1 });
    await a.runtime.stop();
    expect(a.runtime.status().state).toBe('stopped');
    await a.runtime.start();
    const url = a.runtime.status().urls[0]!;
    expect((await fetchRaw(`${url}/`)).status).toBe(200);
    expect(a.runtime.status()).toMatchObject({ state: 'running', healthy: true });
  });

  it('restartWorker replaces one worker with a new process', async () => {
    const a = await startApp({ workers: 2 });
    const before = a.runtime.workers().find((w) => w.id === 1)!.pid;
    await a.runtime.restartWorker(1);
    await until(() => a.runtime.workers().filter((w) => w.id === 1).length === 1, 10_000, 'old worker 1 gone');
    expect(a.runtime.workers().find((w) => w.id === 1)!.pid).not.toBe(before);
  });
});
