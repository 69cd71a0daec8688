// The control API's gate: token on every route, Host must be the loopback listener (DNS rebinding), Origin must
// be the API's own or an allowed one (CSRF); the UI page holds no secret and nothing a browser sends by itself opens anything.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { harnessPerTest, harnessScope } from './api-client.js';
import { tempDirPerTest, tempDirScope } from '../helpers/tempdir.js';

function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, setHost: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ui = tempDirScope('gantry-ui-', 'file');
beforeAll(async () => {
  await mkdir(join(ui.path, 'assets'));
  await writeFile(join(ui.path, 'index.html'), '<!doctype html><html><head><title>UI</title></head><body>ui</body></html>');
  await writeFile(join(ui.path, 'assets', 'app.js'), 'console.log(1)');
});
const h = harnessScope({}, () => ({ rendererDir: ui.path, allowedOrigins: ['gantry://ui'] }));
const tempDir = tempDirPerTest();
const startHarness = harnessPerTest();

describe('token', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(h.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('is required on every API route and /metrics', async () => {
    const host = `127.0.0.1:${h.server.port}`;
    for (const path of ['/api/health', '/api/apps', '/api/events', '/metrics', '/api/nope']) {
      const r = await raw(h.server.port, path, { host });
      expect(r.status, path).toBe(401);
      expect(JSON.parse(r.body).code).toBe('GANTRY_ERR_UNAUTHORIZED');
    }
    // However the path is spelled, a route the router matches is a route that needs the token.
    for (const path of ['/%61pi/apps', '/%6detrics', '/api/%61pps', '/%61pi/events', '/api/apps/', '//api/apps']) {
      const r = await raw(h.server.port, path, { host });
      expect(r.status, path).toBe(401);
    }
    const malformed = await raw(h.server.port, '/api/apps/%E0%A4%A', { host });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ code: 'GANTRY_ERR_INVALID_CONFIG', details: { field: 'url' } });
    const wrong = await raw(h.server.port, '/api/apps', { host, authorization: `Bearer ${'0'.repeat(64)}` });
    expect(wrong.status).toBe(401);
    const ok = await raw(h.server.port, '/api/apps', { host, authorization: `Bearer ${h.server.token}` });
    expect(ok.status).toBe(200);
  });

  it('?token= is accepted for the event stream only', async () => {
    const host = `127.0.0.1:${h.server.port}`;
    expect((await raw(h.server.port, `/api/apps?token=${h.server.token}`, { host })).status).toBe(401);
    const res = await fetch(`${h.server.url}/api/events?token=${h.server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await res.body!.cancel();
  });
});

describe('Host and Origin', () => {
  it('refuses a foreign Host (DNS rebinding) even with the right token', async () => {
    for (const host of ['evil.example:' + h.server.port, '127.0.0.1:1', 'localhost', '']) {
      const r = await raw(h.server.port, '/api/apps', { host, authorization: `Bearer ${h.server.token}` });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body).code).toBe('GANTRY_ERR_FORBIDDEN_ORIGIN');
    }
    const local = await raw(h.server.port, '/api/apps', { host: `localhost:${h.server.port}`, authorization: `Bearer ${h.server.token}` });
    expect(local.status).toBe(200);
  });

  it('refuses a foreign Origin (CSRF), accepts its own and the allowed extra one', async () => {
    const base = { host: `127.0.0.1:${h.server.port}`, authorization: `Bearer ${h.server.token}` };
    const evil = await raw(h.server.port, '/api/apps', { ...base, origin: 'http://evil.example' }, 'GET');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).code).toBe('GANTRY_ERR_FORBIDDEN_ORIGIN');
    expect((await raw(h.server.port, '/api/apps', { ...base, origin: 'null' })).status).toBe(403);
    expect((await raw(h.server.port, '/api/apps', { ...base, origin: `http://localhost:${h.server.port}` })).status).toBe(200);
    const electron = await raw(h.server.port, '/api/apps', { ...base, origin: 'gantry://ui' });
    expect(electron.status).toBe(200);
    expect(electron.headers['access-control-allow-origin']).toBe('gantry://ui');
    const preflight = await raw(
      h.server.port,
      '/api/apps',
      { host: base.host, origin: 'gantry://ui', 'access-control-request-method': 'POST' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
  });
});

describe('the UI page', () => {
  it('holds no secret, sets no cookie, carries the CSP, and nothing sent automatically opens the API', async () => {
    const host = `127.0.0.1:${h.server.port}`;
    const page = await raw(h.server.port, '/', { host });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(h.server.token);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // An old `?token=` link gets the same page: the server neither echoes the token nor trades it for a cookie.
    const old = await raw(h.server.port, `/?token=${h.server.token}`, { host });
    expect(old.body).not.toContain(h.server.token);
    expect(old.headers['set-cookie']).toBeUndefined();

    const asset = await raw(h.server.port, '/assets/app.js', { host });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // Relative asset URLs from a nested client-side route still find the file; client-side routes get the page.
    expect((await raw(h.server.port, '/apps/x/assets/app.js', { host })).status).toBe(200);
    expect((await raw(h.server.port, '/apps/x', { host })).status).toBe(200);
    // Whatever cookie or HTTP auth a browser might send by itself, the API wants the token.
    const derived = createHash('sha256').update(`gantry-ui-session:${h.server.token}`).digest('hex');
    for (const cookie of [`gantry_session=${derived}`, `gantry_session=${h.server.token}`, `token=${h.server.token}`]) {
      expect((await raw(h.server.port, '/api/apps', { host, cookie })).status, cookie).toBe(401);
    }
    expect(
      (await raw(h.server.port, '/api/apps', { host, authorization: `Basic ${Buffer.from(`x:${h.server.token}`).toString('base64')}` }))
        .status,
    ).toBe(401);
    expect((await raw(h.server.port, '/assets/%2e%2e/%2e%2e/secret.txt', { host })).status).toBe(404);
  });

  it('serves a placeholder page when the renderer is not built', async () => {
    const empty = await tempDir();
    const h2 = await startHarness({}, { rendererDir: empty.path });
    const page = await raw(h2.server.port, '/', { host: `127.0.0.1:${h2.server.port}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('The UI is not built yet');
  });
});
