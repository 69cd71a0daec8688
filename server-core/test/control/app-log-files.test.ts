// An app the Host runs honours the same log and metrics settings as `gantry serve`: the access log file in
// its format, the error log file at its level (worker output, tracebacks with their request id), and the
// Prometheus/health listener, which closes when the app stops. Real workers (the demo app).
import { freePort } from '../helpers/free-port.js';
import { readFileSync, existsSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_APP } from '../helpers/paths.js';
import { until } from '../runtime/harness.js';
import { harnessScope } from './api-client.js';

function read(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

describe('log files and metrics listener of a Host app', () => {
  const h = harnessScope({ demoFolder: DEMO_APP });

  it('writes the access and error logs, serves /metrics and /healthz, and stops with the app', async () => {
    const access = join(h.home.path, 'access.log');
    const errors = join(h.home.path, 'error.log');
    const metricsPort = await freePort();
    const def = (await h.api('GET', '/api/apps/hello-demo')).body.definition;
    const patched = await h.api('PATCH', '/api/apps/hello-demo', {
      settings: {
        ...def.settings,
        accessLogfile: access,
        accessLogformat: '%(m)s %(U)s %(s)s',
        errorLogfile: errors,
        logLevel: 'debug',
        metricsBind: `127.0.0.1:${metricsPort}`,
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const url: string = started.body.urls[0];

    expect((await fetch(new URL('/', url))).status).toBe(200);
    const boom = await fetch(new URL('/error', url));
    expect(boom.status).toBe(500);
    const rid = boom.headers.get('x-request-id')!;

    await until(() => read(access).split('\n').filter(Boolean).length >= 2, 10_000, 'two access lines');
    expect(read(access).split('\n').filter(Boolean)).toEqual(['GET / 200', 'GET /error 500']);
    await until(() => read(errors).includes('RuntimeError: This is /error'), 10_000, 'the traceback in the error log');
    expect(read(errors)).toMatch(/\[INFO\] \[worker 1 pid \d+\] Booting worker with pid: \d+/);
    expect(read(errors)).toContain(`[${rid}]`);

    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/gantry_requests_total\{[^}]*\} [1-9]/);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);

    const stopped = await h.api('POST', '/api/apps/hello-demo/stop');
    expect(stopped.status).toBe(200);
    await until(
      async () =>
        await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
          () => false,
          () => true,
        ),
      10_000,
      'the metrics listener to close',
    );
    const lines = read(access);
    expect((await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' })).status).toBe(200);
    // Started again: the same files are appended to, the listener is back.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
    expect((await fetch(new URL('/', url))).status).toBe(200);
    await until(() => read(access).length > lines.length, 10_000, 'appended');
    expect(read(access).startsWith(lines)).toBe(true);
    await h.api('POST', '/api/apps/hello-demo/stop');
  }, 60_000);

  it('a log file that cannot be opened refuses the start (400 naming the setting); a full disk is a Host notice, then its recovery', async () => {
    const def = (await h.api('GET', '/api/apps/hello-demo')).body.definition;
    await h.api('PATCH', '/api/apps/hello-demo', {
      settings: { ...def.settings, accessLogfile: '/nonexistent-gantry-dir/a.log', errorLogfile: '-', metricsBind: '' },
    });
    const refused = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'GANTRY_ERR_INVALID_CONFIG', details: { field: 'accessLogfile' } });
    expect(refused.body.message).toContain('ENOENT');

    // The disk is full: the log path leads to /dev/full (a real ENOSPC on every write).
    const link = join(h.home.path, 'full.log');
    symlinkSync('/dev/full', link);
    await h.api('PATCH', '/api/apps/hello-demo', {
      settings: { ...def.settings, accessLogfile: link, errorLogfile: '-', metricsBind: '' },
    });
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const url: string = started.body.urls[0];
    expect((await fetch(new URL('/', url))).status).toBe(200);
    const notices = async () =>
      (await h.api('GET', '/api/notices')).body.notices.filter((n: { code: string }) => n.code === 'GANTRY_ERR_LOG_WRITE');
    await until(async () => (await notices()).length === 1, 10_000, 'the log-write notice');
    expect((await notices())[0]).toMatchObject({ details: { appId: 'hello-demo', kind: 'failed', path: link } });
    expect((await notices())[0].message).toMatch(/ENOSPC/);

    // Room again: the path leads to a real file; the Host says so by itself.
    const real = join(h.home.path, 'real.log');
    symlinkSync(real, `${link}.new`);
    renameSync(`${link}.new`, link);
    await until(async () => (await notices()).length === 2, 30_000, 'the recovery notice');
    expect((await notices())[1]).toMatchObject({ details: { kind: 'resumed', linesLost: 0 } });
    await until(() => read(real).split('\n').includes('GET / 200'), 10_000, 'the held line in the file');
    await h.api('POST', '/api/apps/hello-demo/stop');
  }, 60_000);
});
