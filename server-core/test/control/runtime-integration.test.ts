// The control plane with real workers: the demo app offered on first run, started through the API, its requests
// streamed over SSE and paged with filters, a traceback linked to its request, scaling, Prometheus, and
// staging launches (a failing preflight and a passing Django one) reported step by step.
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/host/host.js';
import { DEMO_APP, fixtureProject, SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { harnessScope } from './api-client.js';
import { until } from '../runtime/harness.js';
import { openSse } from './sse-reader.js';

describe('demo app with real workers', () => {
  const h = harnessScope({ demoFolder: DEMO_APP });

  it('is offered on first run, starts, serves, streams and pages its log', async () => {
    const list = await h.api('GET', '/api/apps');
    expect(list.body.apps.map((a: any) => a.definition)).toEqual([
      expect.objectContaining({
        id: 'hello-demo',
        name: 'Hello (demo)',
        origin: 'demo',
        settings: expect.objectContaining({ app: 'hello:application' }),
      }),
    ]);

    const stream = await openSse(`${h.server.url}/api/events?apps=hello-demo&types=access,output,status`, {
      authorization: `Bearer ${h.server.token}`,
    });
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ state: 'running', profile: 'dev' });
    const url: string = started.body.urls[0];

    for (const p of ['/', '/json', '/nope', '/json?x=1']) await (await fetch(new URL(p, url))).text();
    const boom = await fetch(new URL('/error', url));
    expect(boom.status).toBe(500);
    const boomId = boom.headers.get('x-request-id');

    const frames = await stream.until((f) => f.filter((x) => x.event === 'access').length >= 5);
    expect(frames.filter((x) => x.event === 'access').map((x) => x.data.data.path)).toEqual(['/', '/json', '/nope', '/json', '/error']);

    const notFound = await h.api('GET', '/api/apps/hello-demo/access?status=4xx');
    expect(notFound.body.items.map((e: any) => e.path)).toEqual(['/nope']);
    const json = await h.api('GET', '/api/apps/hello-demo/access?path=JSON&method=get');
    expect(json.body.items.map((e: any) => e.query)).toEqual(['x=1', '']); // newest first
    const page1 = await h.api('GET', '/api/apps/hello-demo/access?limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await h.api('GET', `/api/apps/hello-demo/access?limit=10&before=${page1.body.nextBefore}`);
    expect(page2.body.items.map((e: any) => e.path)).toEqual(['/nope', '/json', '/']);

    const errors = await h.api('GET', '/api/apps/hello-demo/access?status=5xx');
    const requestId = errors.body.items[0].requestId;
    if (boomId) expect(requestId).toBe(boomId);
    // The traceback lines carry the request id.
    await stream.until((f) =>
      f.some((x) => x.event === 'output' && x.data.data.requestId === requestId && /RuntimeError/.test(x.data.data.text)),
    );
    const detail = await h.api('GET', `/api/apps/hello-demo/requests/${encodeURIComponent(requestId)}`);
    expect(detail.body.entry).toMatchObject({ path: '/error', status: 500 });
    expect(detail.body.output.map((l: any) => l.text).join('\n')).toContain('RuntimeError: This is /error');
    const out = await h.api('GET', `/api/apps/hello-demo/output?requestId=${encodeURIComponent(requestId)}&search=runtimeerror`);
    expect(out.body.items.length).toBeGreaterThan(0);
    await stream.close();
  });

  it('scales, reports workers and metrics, exposes Prometheus text, stops', async () => {
    const scaled = await h.api('POST', '/api/apps/hello-demo/scale', { workers: 2 });
    expect(scaled.status, JSON.stringify(scaled.body)).toBe(200);
    const workers = await h.api('GET', '/api/apps/hello-demo/workers');
    expect(workers.body.workers.filter((w: any) => w.state !== 'exited').length).toBe(2);
    const m = await h.api('GET', '/api/apps/hello-demo/metrics?history=1');
    expect(m.body.current.requests).toBeGreaterThanOrEqual(5);
    // The memory chart's past: the Host's per-second samples keep each worker's resident memory.
    await until(
      async () => {
        const hist = (await h.api('GET', '/api/apps/hello-demo/metrics?history=1')).body.history as {
          workerRssBytes: Record<string, number>;
        }[];
        return hist.some((s) => (s.workerRssBytes['1'] ?? 0) > 1e6 && (s.workerRssBytes['2'] ?? 0) > 1e6);
      },
      10_000,
      "a history sample with both workers' memory",
    );
    const prom = await h.client.send<string>('GET', '/metrics');
    const text = prom.body;
    expect(prom.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toContain('gantry_host_apps_running 1');
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE gantry_host_apps ')).length).toBe(1);
    // A second running app: the merged text still declares each family once.
    await h.api('POST', '/api/apps', { folder: DEMO_APP, id: 'hello-two', settings: { app: 'hello:application' }, detect: false });
    expect((await h.api('POST', '/api/apps/hello-two/start', {})).body.state).toBe('running');
    const both = await h.client.call('prometheus');
    const types = both.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
    expect(both).toContain('gantry_host_apps_running 2');
    await h.api('DELETE', '/api/apps/hello-two');
    const bad = await h.api('POST', '/api/apps/hello-demo/scale', { workers: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe('workers');
    const stopped = await h.api('POST', '/api/apps/hello-demo/stop', {});
    expect(stopped.body.state).toBe('stopped');
    expect((await h.api('POST', '/api/apps/hello-demo/scale', { workers: 3 })).body.code).toBe('GANTRY_ERR_APP_STATE');
  });

  it('removing the demo sticks across restarts', async () => {
    expect((await h.api('DELETE', '/api/apps/hello-demo')).status).toBe(200);
    await h.host.close(); // one Host per config folder: the restart comes after the stop
    const again = await createHost({ home: h.home.path, demoFolder: DEMO_APP });
    expect(again.listApps()).toEqual([]);
    await again.close();
  });
});

describe('launch staging', () => {
  const work = tempDirScope('gantry-launch-', 'file');
  const h = harnessScope({ healthTimeoutMs: 30_000 });

  it('a failing preflight stops at the import step with its traceback, events in order', async () => {
    const add = await h.api('POST', '/api/apps', {
      folder: resolve(SERVER_CORE_DIR, 'test/fixtures/detect/broken'),
      id: 'broken',
      detect: false,
      settings: { app: 'app:app', python: SYSTEM_PYTHON },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const stream = await openSse(`${h.server.url}/api/events?types=launch&apps=broken`, { authorization: `Bearer ${h.server.token}` });
    const r = await h.api('POST', '/api/apps/broken/launch', {});
    expect(r.body).toMatchObject({ state: 'failed', failedStep: 'import', url: null, error: { code: 'GANTRY_ERR_APP_IMPORT' } });
    expect(r.body.steps.map((s: any) => [s.step, s.status])).toEqual([
      ['interpreter', 'ok'],
      ['import', 'failed'],
    ]);
    expect(r.body.steps[1].output).toContain("No module named 'gantry_fixture_missing_module'");
    const frames = await stream.until((f) => f.some((x) => x.data.data.kind === 'done'));
    expect(frames.map((x) => [x.data.data.index, x.data.data.step, x.data.data.status])).toEqual([
      [0, 'interpreter', 'running'],
      [0, 'interpreter', 'ok'],
      [1, 'import', 'running'],
      [1, 'import', 'failed'],
      [2, 'import', 'failed'],
    ]);
    expect((await h.api('GET', '/api/apps/broken/status')).body.state).toBe('stopped');
    expect((await h.api('GET', `/api/launches/${r.body.launchId}`)).body.state).toBe('failed');
    await stream.close();
  });

  it('starting an app whose import fails marks it failed with the traceback (no restart loop)', async () => {
    const r = await h.api('POST', '/api/apps/broken/start', {});
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(r.body)).toContain('gantry_fixture_missing_module');
    const status = await h.api('GET', '/api/apps/broken/status');
    expect(status.body.state).toBe('failed');
    expect(JSON.stringify(status.body.error)).toContain('gantry_fixture_missing_module');
    const events = await h.api('GET', '/api/apps/broken/events');
    expect(events.body.items.some((e: any) => e.type === 'boot-error' || (e.type === 'state' && e.state === 'failed'))).toBe(true);
  });

  it('a Django project passes check --deploy and collectstatic, starts healthy and returns its URL', async () => {
    const folder = join(work.path, 'djangosite');
    await cp(fixtureProject('djangosite'), folder, { recursive: true });
    const add = await h.api('POST', '/api/apps', {
      folder,
      id: 'django',
      settings: { python: SYSTEM_PYTHON, static: { '/static': 'static' } },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    expect(add.body.app.definition.settings).toMatchObject({
      app: 'mysite.wsgi:application',
      env: { DJANGO_SETTINGS_MODULE: 'mysite.settings' },
    });
    const stream = await openSse(`${h.server.url}/api/events?types=launch`, { authorization: `Bearer ${h.server.token}` });
    const r = await h.api('POST', '/api/apps/django/launch', { profile: 'staging' });
    expect(r.body.state, JSON.stringify(r.body.steps)).toBe('ok');
    expect(r.body.steps.map((s: any) => [s.step, s.status])).toEqual([
      ['interpreter', 'ok'],
      ['import', 'ok'],
      ['ports', 'ok'],
      ['django-check', 'warning'],
      ['django-settings', 'ok'],
      ['collectstatic', 'ok'],
      ['start', 'ok'],
      ['health', 'ok'],
    ]);
    // check --deploy exits 0 with security warnings: passed with warnings, shown (not a green ✓ over them).
    expect(r.body.steps[3].output).toContain('security.W');
    expect(r.body.steps[4].output).toContain('DEBUG is off.');
    expect(r.body.steps[4].output).toContain('allows 127.0.0.1');
    expect(r.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
    const frames = await stream.until((f) => f.some((x) => x.data.data.kind === 'done'));
    const steps = frames.filter((x) => x.data.data.kind === 'step' && x.data.data.status !== 'running').map((x) => x.data.data.step);
    expect(steps).toEqual(['interpreter', 'import', 'ports', 'django-check', 'django-settings', 'collectstatic', 'start', 'health']);
    expect(frames.at(-1)!.data.data).toMatchObject({ kind: 'done', status: 'ok', url: r.body.url });

    const status = await h.api('GET', '/api/apps/django/status');
    expect(status.body).toMatchObject({ state: 'running', profile: 'staging', healthy: true });
    // Static files are served from the launch's collectstatic folder.
    const css = await fetch(new URL('/static/admin/css/base.css', r.body.url));
    expect(css.status).toBe(200);
    const eff = await h.api('GET', '/api/apps/django/effective?profile=staging');
    expect(eff.body.settings.env).toMatchObject({ DJANGO_DEBUG: 'False', DEBUG: '0' });
    await stream.close();
    await h.api('POST', '/api/apps/django/stop', {});
  });
});
