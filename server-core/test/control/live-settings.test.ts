// Saved settings and the running app: live settings (timeouts, recycling limits, workers) reach it at once,
// the rest is reported as waiting for a reload or a restart; a live scale survives a reload, not a restart.
import { cp } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PartialAppSettings } from '../../src/config/settings.js';
import { createFakeRuntime, type FakeRuntime } from '../host/fake-runtime.js';
import { DEMO_APP, SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { harnessScope } from './api-client.js';

describe('control plane (fake runtime with update)', () => {
  const runtimes: FakeRuntime[] = [];
  const updates: PartialAppSettings[] = [];
  const project = tempDirScope('gantry-project-');
  const h = harnessScope(
    {
      createRuntime: (s) => {
        const rt = createFakeRuntime(s);
        rt.update = async (patch) => void updates.push(patch);
        runtimes.push(rt);
        return rt;
      },
    },
    {},
    'each',
  );
  beforeEach(async () => {
    runtimes.length = 0;
    updates.length = 0;
    await cp(resolve(SERVER_CORE_DIR, 'test/fixtures/detect/pyproject'), project.path, { recursive: true });
    expect(
      (
        await h.api('POST', '/api/apps', {
          folder: project.path,
          id: 'site',
          detect: false,
          settings: { python: SYSTEM_PYTHON, workers: 2 },
          profiles: { dev: { workers: 2 } },
        })
      ).status,
    ).toBe(200);
    expect((await h.api('POST', '/api/apps/site/start', { profile: 'dev' })).status).toBe(200);
  });
  const settings = async () => (await h.api('GET', '/api/apps/site')).body.definition.settings;

  it('the status says how many workers the running app keeps up: the setting in effect, a live scale, none once stopped', async () => {
    expect((await h.api('GET', '/api/apps/site/status')).body.workers).toBe(2);
    expect((await h.api('POST', '/api/apps/site/scale', { workers: 5 })).body.workers).toBe(5);
    expect((await h.api('GET', '/api/apps')).body.apps[0].status.workers).toBe(5);
    expect((await h.api('POST', '/api/apps/site/stop', {})).body.workers).toBeNull();
  });

  it('a live scale is kept by a reload and dropped by a restart; the saved setting is untouched', async () => {
    const scaled = await h.api('POST', '/api/apps/site/scale', { workers: 5 });
    expect(scaled.body.scaled).toEqual({ workers: 5, saved: 2 });
    expect((await h.api('POST', '/api/apps/site/reload', {})).body.scaled).toEqual({ workers: 5, saved: 2 });
    expect(runtimes.at(-1)!.settings.workers).toBe(5); // the reload booted the running count, not the saved one
    expect((await h.api('GET', '/api/apps/site/effective?profile=dev')).body.settings.workers).toBe(2);
    expect((await h.api('POST', '/api/apps/site/restart', {})).body.scaled).toBeNull();
    expect(runtimes.at(-1)!.settings.workers).toBe(2);
  });

  it('saving applies live keys now and says which wait for a reload or a restart', async () => {
    await h.api('POST', '/api/apps/site/scale', { workers: 5 });
    const base = await settings();
    const saved = await h.api('PATCH', '/api/apps/site', {
      settings: { ...base, timeout: 5, maxRequests: 100, env: { GREETING: 'hi' }, bind: ['127.0.0.1:0'] },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.applied).toEqual({ profile: 'dev', live: ['timeout', 'maxRequests'], reload: ['env'], restart: ['bind'] });
    expect(updates).toEqual([{ timeout: 5, maxRequests: 100 }]);
    expect(saved.body.status.scaled).toEqual({ workers: 5, saved: 2 }); // an unrelated save keeps the live scale

    // A new saved worker count is what the user asked for last: applied live, and the scale is forgotten.
    const w = await h.api('PATCH', '/api/apps/site', { profiles: { dev: { workers: 3 } } });
    expect(w.body.applied).toMatchObject({ live: ['workers'], reload: [], restart: [] });
    expect(updates.at(-1)).toEqual({ workers: 3 });
    expect(w.body.status.scaled).toBeNull();
    await h.api('POST', '/api/apps/site/reload', {});
    expect(runtimes.at(-1)!.settings.workers).toBe(3);

    // A change to a profile the app is not running with does not touch it.
    const other = await h.api('PATCH', '/api/apps/site', { profiles: { dev: { workers: 3 }, staging: { timeout: 1 } } });
    expect(other.body.applied).toEqual({ profile: 'dev', live: [], reload: [], restart: [] });
    await h.api('POST', '/api/apps/site/stop', {});
    expect((await h.api('PATCH', '/api/apps/site', { settings: { ...base, timeout: 9 } })).body.applied).toBeNull();
  });
});

describe('real workers', () => {
  const h = harnessScope({ demoFolder: DEMO_APP });
  let url: string;
  beforeAll(async () => {
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    url = started.body.urls[0];
  });

  it('a saved timeout applies to the running app without a reload', async () => {
    const base = (await h.api('GET', '/api/apps/hello-demo')).body.definition.settings;
    const generation = (await h.api('GET', '/api/apps/hello-demo/status')).body.generation;
    const saved = await h.api('PATCH', '/api/apps/hello-demo', { settings: { ...base, timeout: 1 } });
    expect(saved.body.applied).toMatchObject({ live: ['timeout'] });
    const slow = await fetch(new URL('/slow?ms=4000', url));
    await slow.text();
    expect(slow.status).toBe(504);
    expect((await h.api('GET', '/api/apps/hello-demo/status')).body.generation).toBe(generation); // no reload happened
  });

  it('a graceful reload keeps the worker count scaled live', async () => {
    await h.api('POST', '/api/apps/hello-demo/scale', { workers: 2 });
    const r = await h.api('POST', '/api/apps/hello-demo/reload', { mode: 'generation' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const live = (await h.api('GET', '/api/apps/hello-demo/workers')).body.workers.filter(
      (w: { state: string }) => w.state === 'idle' || w.state === 'busy' || w.state === 'starting',
    );
    expect(live).toHaveLength(2);
  });
});
