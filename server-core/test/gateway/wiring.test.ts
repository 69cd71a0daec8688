// The gateway extras as wired into a running app: trusted proxy headers into the environ, static files
// before the app (with access entries), and --reload reacting to an edited module.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { FIXTURE_APPS, appPerTest, until, type Running } from '../runtime/harness.js';
import { RawConnection } from '../helpers/raw-http.js';
import { fetchRaw } from './http-client.js';

const tempDir = tempDirPerTest();
const startApp = appPerTest();

async function environ(a: Running, headers: Record<string, string>): Promise<Record<string, string>> {
  return JSON.parse((await fetchRaw(`${a.url}/environ`, { headers })).text()) as Record<string, string>;
}

describe('proxy headers', () => {
  it('honours X-Forwarded-For/Proto from a trusted peer (loopback by default), never X-Forwarded-Host unless asked', async () => {
    const app = await startApp();
    const env = await environ(app, {
      'X-Forwarded-For': '203.0.113.7',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'shop.example',
      Forwarded: 'for=203.0.113.7;host=fwd.example',
    });
    expect(env.REMOTE_ADDR).toBe('203.0.113.7');
    expect(env['wsgi.url_scheme']).toBe('http');
    expect(env.HTTP_HOST).toBe(new URL(app.url).host);
    const xf = await environ(app, { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example' });
    expect(xf['wsgi.url_scheme']).toBe('https');
    expect(xf.HTTP_HOST).toBe(new URL(app.url).host);
  });

  it("--forwarded-allow-host: a trusted proxy's X-Forwarded-Host / Forwarded host= become HTTP_HOST", async () => {
    const app = await startApp({ forwardedAllowHost: true });
    expect((await environ(app, { 'X-Forwarded-Host': 'shop.example' })).HTTP_HOST).toBe('shop.example');
    expect((await environ(app, { Forwarded: 'for=203.0.113.7;host=fwd.example' })).HTTP_HOST).toBe('fwd.example');
  });

  it('the access log records the REMOTE_ADDR the app saw: app, gateway-made and static responses alike', async () => {
    const tmp = await tempDir();
    mkdirSync(join(tmp.path, 'pub'));
    writeFileSync(join(tmp.path, 'pub', 'a.txt'), 'static text');
    const app = await startApp({ static: { '/files': join(tmp.path, 'pub') } });
    const headers = { 'X-Forwarded-For': '198.51.100.9' };
    const env = await environ(app, { ...headers, 'X-Request-ID': 'ra-app' });
    expect(env.REMOTE_ADDR).toBe('198.51.100.9');
    expect((await fetchRaw(`${app.url}/files/a.txt`, { headers: { ...headers, 'X-Request-ID': 'ra-static' } })).status).toBe(200);
    // Refused by the gateway itself (two Host headers): never reaches the app, logged all the same.
    const raw = await RawConnection.connect(app.port);
    await raw.write('GET /environ HTTP/1.1\r\nHost: a\r\nHost: b\r\nX-Forwarded-For: 198.51.100.9\r\nX-Request-ID: ra-refused\r\n\r\n');
    expect((await raw.responses(1)).responses[0]!.status).toBe(400);
    raw.destroy();
    await until(
      () => ['ra-app', 'ra-static', 'ra-refused'].every((id) => app.access.some((e) => e.requestId === id)),
      5000,
      'access entries',
    );
    for (const id of ['ra-app', 'ra-static', 'ra-refused'])
      expect(app.access.find((e) => e.requestId === id)?.remoteAddr, id).toBe('198.51.100.9');
  });

  it('ignores them from a peer that is not trusted', async () => {
    const app = await startApp({ forwardedAllowIps: ['10.9.9.9'] });
    const env = await environ(app, { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' });
    expect(env.REMOTE_ADDR).toBe('127.0.0.1');
    expect(env['wsgi.url_scheme']).toBe('http');
  });
});

describe('app settings reach the workers', () => {
  it('-e variables, --pythonpath folders and --chdir', async () => {
    const tmp = await tempDir();
    writeFileSync(join(tmp.path, 'elsewhere_app.py'), 'from basic import application\n');
    const app = await startApp({ app: 'elsewhere_app:application', pythonpath: [tmp.path], env: { GANTRY_TEST_VAR: 'from -e' } });
    expect((await fetchRaw(`${app.url}/osenv?name=GANTRY_TEST_VAR`)).text()).toBe('from -e');
    expect((await fetchRaw(`${app.url}/`)).text()).toBe('hello world\n');
  });
});

describe('static files and dev reload', () => {
  it('serves --static before the app and logs the hit', async () => {
    const tmp = await tempDir();
    mkdirSync(join(tmp.path, 'pub'));
    writeFileSync(join(tmp.path, 'pub', 'a.txt'), 'static text');
    const app = await startApp({ static: { '/files': join(tmp.path, 'pub') } });
    const r = await fetchRaw(`${app.url}/files/a.txt`, { headers: { 'X-Request-ID': 'st-1' } });
    expect(r.status).toBe(200);
    expect(r.text()).toBe('static text');
    expect(r.headers['x-request-id']).toBe('st-1');
    await until(() => app.access.some((e) => e.requestId === 'st-1'), 5000, 'access entry');
    expect(app.access.find((e) => e.requestId === 'st-1')).toMatchObject({ status: 200, path: '/files/a.txt', workerPid: null });
    expect((await fetchRaw(`${app.url}/`)).text()).toBe('hello world\n');
  });

  it('--reload: an edited module is reloaded; a syntax error keeps the old workers', async () => {
    const tmp = await tempDir();
    copyFileSync(join(FIXTURE_APPS, 'basic.py'), join(tmp.path, 'basic.py'));
    const edit = (text: string): void => writeFileSync(join(tmp.path, 'basic.py'), text);
    const original = (await import('node:fs')).readFileSync(join(FIXTURE_APPS, 'basic.py'), 'utf8');
    const app = await startApp({ chdir: tmp.path, reload: true });
    const a = app;
    edit(original.replace("b'hello world\\n'", "b'hello again\\n'"));
    await until(async () => (await fetchRaw(`${a.url}/`)).text() === 'hello again\n', 20_000, 'reloaded code');
    const errors: string[] = [];
    a.runtime.on('output', (l) => {
      if (l.level === 'error') errors.push(l.text);
    });
    edit(original + '\ndef broken(:\n');
    await until(() => errors.some((t) => t.includes('SyntaxError')), 20_000, 'syntax error reported');
    expect((await fetchRaw(`${a.url}/`)).text()).toBe('hello again\n');
  }, 60_000);
});
