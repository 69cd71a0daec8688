// Start/stop/restart/reload per profile, launches that fail at the port check or run in the background,
// notices, and the Host stopping everything on close. The fake runtime stands in for workers here.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { cp, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeRuntime, type FakeRuntime } from '../host/fake-runtime.js';
import { createHost } from '../../src/host/host.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirScope, tempDirPerTest } from '../helpers/tempdir.js';
import { addApp, harnessPerTest, harnessScope } from './api-client.js';
import { openSse } from './sse-reader.js';
import { GantryError } from '../../src/errors.js';

const runtimes: FakeRuntime[] = [];
const project = tempDirScope('gantry-project-');
const tempDir = tempDirPerTest();
const startHarness = harnessPerTest();
const h = harnessScope(
  {
    createRuntime: (s) => {
      const rt = createFakeRuntime(
        s,
        s.app.startsWith('broken')
          ? { failStart: new GantryError('GANTRY_ERR_APP_IMPORT', 'import failed', { traceback: 'Traceback…' }) }
          : {},
      );
      runtimes.push(rt);
      return rt;
    },
  },
  {},
  'each',
);
beforeEach(async () => {
  runtimes.length = 0;
  await cp(resolve(SERVER_CORE_DIR, 'test/fixtures/detect/pyproject'), project.path, { recursive: true });
  const add = await h.api('POST', '/api/apps', { folder: project.path, id: 'site', detect: false, settings: { python: SYSTEM_PYTHON } });
  expect(add.status).toBe(200);
});

describe('lifecycle per profile', () => {
  it('start is idempotent for the same profile, refuses another, restart switches', async () => {
    expect((await h.api('POST', '/api/apps/site/start', {})).body).toMatchObject({ state: 'running', profile: 'dev', healthy: true });
    expect((await h.api('POST', '/api/apps/site/start', { profile: 'dev' })).body.state).toBe('running');
    expect(runtimes).toHaveLength(1);
    const other = await h.api('POST', '/api/apps/site/start', { profile: 'staging' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('GANTRY_ERR_APP_STATE');
    const restarted = await h.api('POST', '/api/apps/site/restart', { profile: 'staging' });
    expect(restarted.body).toMatchObject({ state: 'running', profile: 'staging' });
    expect(runtimes.at(-1)!.settings).toMatchObject({ workers: 3, reload: false }); // pyproject's staging profile
    expect((await h.api('POST', '/api/apps/site/stop', {})).body).toMatchObject({ state: 'stopped', profile: null, urls: [] });
  });

  it('reload applies the edited definition to the running app', async () => {
    await h.api('POST', '/api/apps/site/start', {});
    const def = (await h.api('GET', '/api/apps/site')).body.definition;
    await h.api('PATCH', '/api/apps/site', { settings: { ...def.settings, env: { ...def.settings.env, GREETING: 'edited' } } });
    expect(runtimes[0]!.settings.env.GREETING).toBe('from pyproject');
    const r = await h.api('POST', '/api/apps/site/reload', { mode: 'rolling' });
    expect(r.status).toBe(200);
    expect(runtimes[0]!.settings.env.GREETING).toBe('edited');
    const events = await h.api('GET', '/api/apps/site/events');
    expect(events.body.items[0]).toMatchObject({ type: 'reload', mode: 'rolling', phase: 'done' });
    expect((await h.api('POST', '/api/apps/site/reload', { mode: 'sideways' })).body.details.field).toBe('mode');
  });

  it('a failed start leaves the app failed with its error, and status says so', async () => {
    await addApp(h, project.path, 'bad', 'broken:app');
    const r = await h.api('POST', '/api/apps/bad/start', {});
    expect(r.status).toBe(422); // the user's to fix, not a server fault
    expect(r.body).toMatchObject({ code: 'GANTRY_ERR_APP_IMPORT', details: { traceback: 'Traceback…' } });
    expect((await h.api('GET', '/api/apps/bad/status')).body).toMatchObject({ state: 'failed', error: { code: 'GANTRY_ERR_APP_IMPORT' } });
    expect((await h.api('POST', '/api/apps/bad/scale', { workers: 2 })).body.code).toBe('GANTRY_ERR_APP_STATE');
  });

  it('access filters: min duration, request id, method, paging forward with after', async () => {
    const url = (await h.api('POST', '/api/apps/site/start', {})).body.urls[0];
    await fetch(url + 'fast', { headers: { 'x-fake-duration': '5', 'x-request-id': 'f1' } });
    await fetch(url + 'slow', { headers: { 'x-fake-duration': '900', 'x-request-id': 's1' } });
    await fetch(url + 'form', { method: 'POST', body: 'x', headers: { 'x-request-id': 'p1' } });
    await fetch(url + 'missing', { headers: { 'x-request-id': 'm1' } });
    const ids = async (q: string) => (await h.api('GET', `/api/apps/site/access${q}`)).body.items.map((e: any) => e.requestId);
    await expect.poll(() => ids('')).toHaveLength(4); // entries land when each response has finished
    expect(await ids('?minDurationMs=500')).toEqual(['s1']);
    expect(await ids('?requestId=p1')).toEqual(['p1']);
    expect(await ids('?method=POST')).toEqual(['p1']);
    expect(await ids('?status=4xx')).toEqual(['m1']);
    expect(await ids('?status=2xx&method=GET')).toEqual(['s1', 'f1']);
    expect(await ids('?after=1&limit=2')).toEqual(['s1', 'p1']); // oldest first past seq 1
    expect((await h.api('GET', '/api/apps/site/access?status=6xx')).body.details.field).toBe('query.status.0');
    expect((await h.api('GET', '/api/apps/site/access?limit=0')).body.details.field).toBe('query.limit');
  });
});

describe('launch', () => {
  it('stops at the ports step when a process holds the port, naming it and a free port', async () => {
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const def = (await h.api('GET', '/api/apps/site')).body.definition;
      await h.api('PATCH', '/api/apps/site', { settings: { ...def.settings, bind: [`127.0.0.1:${port}`] } });
      const r = await h.api('POST', '/api/apps/site/launch', {});
      expect(r.body).toMatchObject({
        state: 'failed',
        failedStep: 'ports',
        error: { code: 'GANTRY_ERR_PORT_IN_USE', details: { holder: { pid: process.pid } } },
      });
      expect(r.body.steps.map((s: any) => s.step)).toEqual(['interpreter', 'import', 'ports']);
      expect(r.body.steps[2].output).toContain(`pid ${process.pid}`);
      expect(r.body.error.details.suggestion).toBeGreaterThan(port);
      expect(runtimes).toHaveLength(0); // nothing was started
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('wait:false answers at once; progress follows on SSE and GET /api/launches/:id', async () => {
    const stream = await openSse(`${h.server.url}/api/events?types=launch`, { authorization: `Bearer ${h.server.token}` });
    const r = await h.api('POST', '/api/apps/site/launch', { wait: false, profile: 'staging' });
    expect(r.body).toMatchObject({ state: 'running', profile: 'staging' });
    const frames = await stream.until((f) => f.some((x) => x.data.data.kind === 'done'));
    const done = frames.at(-1)!.data.data;
    expect(done).toMatchObject({ launchId: r.body.launchId, status: 'ok' });
    const result = await h.api('GET', `/api/launches/${r.body.launchId}`);
    expect(result.body).toMatchObject({ state: 'ok', url: done.url, failedStep: null });
    expect(result.body.steps.map((s: any) => [s.step, s.status])).toEqual([
      ['interpreter', 'ok'],
      ['import', 'ok'],
      ['ports', 'ok'],
      ['django-check', 'skipped'],
      ['django-settings', 'skipped'],
      ['collectstatic', 'skipped'],
      ['start', 'ok'],
      ['health', 'ok'],
    ]);
    expect((await h.api('GET', '/api/launches/nope')).status).toBe(404);
    await stream.close();
  });
});

describe('host', () => {
  it('announces app list changes on the stream', async () => {
    const stream = await openSse(`${h.server.url}/api/events?types=apps-changed`, { authorization: `Bearer ${h.server.token}` });
    await h.api('POST', '/api/apps', { folder: project.path, id: 'second', detect: false });
    const frames = await stream.until((f) => f.length >= 1);
    expect(frames[0]!.data.data.appIds).toEqual(['site', 'second']);
    await stream.close();
  });

  it('close stops every running app', async () => {
    await h.api('POST', '/api/apps/site/start', {});
    await h.host.close();
    expect(runtimes[0]!.status().state).toBe('stopped');
    expect((await h.api('POST', '/api/apps/site/start', {})).body.code).toBe('GANTRY_ERR_APP_STATE');
  });

  it('a corrupt config shows up in /api/notices', async () => {
    const home = await tempDir();
    await writeFile(join(home.path, 'apps.json'), '{oops');
    const h2 = await startHarness({ home: home.path });
    const n = await h2.api('GET', '/api/notices');
    expect(n.body.notices[0]).toMatchObject({ code: 'GANTRY_ERR_CONFIG_CORRUPT', details: { usedLastGood: false } });
  });

  it('the demo is offered only once on a fresh config, and POST /api/apps/demo adds it back', async () => {
    const home = await tempDir();
    const demo = resolve(SERVER_CORE_DIR, '..', 'app', 'examples', 'hello');
    const first = await createHost({ home: home.path, demoFolder: demo });
    expect(first.listApps().map((a) => a.definition.id)).toEqual(['hello-demo']);
    await first.removeApp('hello-demo');
    await first.close();
    const h2 = await startHarness({ home: home.path, demoFolder: demo });
    expect((await h2.api('GET', '/api/apps')).body.apps).toEqual([]);
    const added = await h2.api('POST', '/api/apps/demo');
    expect(added.body.app.definition).toMatchObject({ id: 'hello-demo', name: 'Hello (demo)', origin: 'demo' });
  });
});
