// AppRuntime as its drivers (gantry serve, the Host) see it: status, workers, metrics and Prometheus text,
// events, access entries and output lines, and the request headers kept for the drawer.
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../src/errors.js';
import { withHeaderView } from '../../src/logging/header-keeper.js';
import { createAppRuntime } from '../../src/runtime/app-runtime.js';
import type { AccessEntry } from '../../src/runtime/types.js';
import { fetchRaw } from '../gateway/http-client.js';
import { appScope, fixtureSettings, until } from './harness.js';

const app = appScope({ workers: 2, name: 'demo' });

describe('AppRuntime', () => {
  it('reports status, urls and workers', () => {
    const st = app.runtime.status();
    expect(st).toMatchObject({ name: 'demo', state: 'running', healthy: true, generation: 1, error: null });
    expect(st.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const workers = app.runtime.workers();
    expect(workers.map((w) => [w.id, w.state, w.generation])).toEqual([
      [1, 'idle', 1],
      [2, 'idle', 1],
    ]);
    expect(workers.every((w) => typeof w.pid === 'number' && w.pid > 0)).toBe(true);
  });

  it('counts requests by status class, with latency, and renders Prometheus text', async () => {
    for (const p of ['/', '/', '/status?code=404', '/error']) await fetchRaw(`${app.url}${p}`);
    await until(() => app.runtime.metrics().requests >= 4, 5000, 'metrics');
    const m = app.runtime.metrics();
    expect(m.statusClasses).toMatchObject({ '2xx': 2, '4xx': 1, '5xx': 1 });
    expect(m.latencyMs.max).toBeGreaterThan(0);
    expect(m.workersTotal).toBe(2);
    expect(m.inFlight).toBe(0);
    const text = app.runtime.prometheus();
    expect(text).toMatch(/gantry_requests_total\{[^}]*\} \d+/);
    expect(text).toContain('app="demo"');
  });

  it("tells its subscribers each access entry and output line, with the request's id", async () => {
    await fetchRaw(`${app.url}/stderr`, { headers: { 'X-Request-ID': 'ring-1' } });
    await until(() => app.output.some((l) => l.requestId === 'ring-1'), 5000, 'output line');
    // The entry is logged when the gateway sees the response finish, which can be a moment after the client has it.
    await until(() => app.access.some((e) => e.requestId === 'ring-1'), 5000, 'access entry');
    const entry = app.access.find((e) => e.requestId === 'ring-1');
    expect(entry).toMatchObject({ app: 'demo', status: 200, path: '/stderr' });
    expect(entry!.workerId).toBeGreaterThanOrEqual(1);
  });

  it("keeps each request's headers for the drawer, and none when told not to (gantry serve has no drawer)", async () => {
    await fetchRaw(`${app.url}/`, { headers: { 'X-Request-ID': 'kept-1', 'X-Probe': 'yes' } });
    await until(() => app.access.some((e) => e.requestId === 'kept-1'), 5000, 'access entry');
    expect(withHeaderView(app.access.find((e) => e.requestId === 'kept-1')!).requestHeaders).toMatchObject({ 'X-Probe': 'yes' });

    const bare = createAppRuntime(fixtureSettings({ workers: 1 }), { processStats: false, requestHeaders: 'none' });
    const seen: AccessEntry[] = [];
    bare.on('access', (e) => seen.push(e));
    await bare.start();
    try {
      await fetchRaw(`${bare.status().urls[0]}/`, { headers: { 'X-Request-ID': 'bare-1', 'X-Probe': 'yes' } });
      await until(() => seen.length > 0, 5000, 'access entry');
      expect(seen[0]!.requestId).toBe('bare-1');
      expect(withHeaderView(seen[0]!).requestHeaders).toBeUndefined();
    } finally {
      await bare.stop({ graceful: false });
    }
  });

  it('refuses actions that need a running app, and a bad scale', async () => {
    const idle = createAppRuntime(fixtureSettings(), { processStats: false });
    await expect(idle.reload()).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_APP_STATE'));
    await expect(app.runtime.scale(0)).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_INVALID_CONFIG'));
    await expect(app.runtime.start()).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_APP_STATE'));
  });

  it('a stop while the listener opens (before any worker) stops the start: it rejects, nothing is left', async () => {
    const rt = createAppRuntime(fixtureSettings({ workers: 1 }), { processStats: false });
    const events: string[] = [];
    rt.on('event', (e) => events.push(e.type === 'state' ? `state ${e.state}` : e.type));
    const started = rt.start(); // runs until the listener is opening
    await rt.stop({ graceful: false });
    await expect(started).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_APP_STATE'));
    expect(rt.status().state).toBe('stopped');
    expect(rt.status().urls).toEqual([]);
    expect(rt.workers()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('fails start with GANTRY_ERR_PORT_IN_USE when the port is taken', async () => {
    const port = new URL(app.url).port;
    const other = createAppRuntime(fixtureSettings({ bind: [`127.0.0.1:${port}`] }), { processStats: false });
    await expect(other.start()).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_PORT_IN_USE'));
    expect(other.status().state).toBe('failed');
    expect(other.status().error?.code).toBe('GANTRY_ERR_PORT_IN_USE');
  });

  it('fails start with GANTRY_ERR_PYTHON_NOT_FOUND for a missing interpreter', async () => {
    const other = createAppRuntime(fixtureSettings({ python: '/no/such/python' }), { processStats: false });
    await expect(other.start()).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_PYTHON_NOT_FOUND'));
  });
});
