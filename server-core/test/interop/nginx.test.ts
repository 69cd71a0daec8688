// Interop: nginx's fastcgi_pass to a Gantry worker started straight from app/gantry_worker.py,
// serving the real Flask fixture. nginx is a FastCGI client nobody here wrote: if the Flask app works
// through it, the worker speaks real FastCGI 1.0 (records, params, stdin, keep-conn, end-request).
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser } from '../helpers/http.js';
import { startNginx, type NginxServer } from '../helpers/nginx.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import type { StartedProcess } from '../helpers/process.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { requirePythonModule, requireTool } from '../helpers/tools.js';
import { startWorker } from '../helpers/worker.js';

const nginxTool = requireTool('nginx', 'apt-get install nginx-light');
const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');
const skip = !nginxTool.path || !flask.path;

/** The Flask fixture in a gantry worker on a Unix socket in a fresh temp folder, and nginx in front of it. */
async function flaskBehindNginx(
  tmpPrefix: string,
  threads: number,
  more: { mount?: string } = {},
): Promise<{ tmp: TempDir; worker: StartedProcess; nginx: NginxServer }> {
  const tmp = await makeTempDir(tmpPrefix);
  const sock = join(tmp.path, 'w1.sock');
  const worker = await startWorker({
    python: SYSTEM_PYTHON,
    app: 'flaskapp:app',
    chdir: fixtureProject('flaskapp'),
    listen: `unix:${sock}`,
    threads,
  });
  const nginx = await startNginx({ nginx: nginxTool.path!, prefix: join(tmp.path, 'nginx'), fastcgi: `unix:${sock}`, ...more });
  return { tmp, worker, nginx };
}

describe.skipIf(skip)('nginx fastcgi_pass -> gantry worker -> Flask', () => {
  let tmp: TempDir;
  let worker: StartedProcess;
  let nginx: NginxServer;

  beforeAll(async () => {
    ({ tmp, worker, nginx } = await flaskBehindNginx('gantry-nginx-', 4));
  });
  afterAll(async () => {
    const stops = [nginx?.stop(), worker?.stop()];
    const results = await Promise.allSettled(stops);
    await tmp?.remove();
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });

  it('serves a GET with HTML from a template', async () => {
    const res = await fetch(`${nginx.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('id="home"');
  });

  it('serves static files', async () => {
    const res = await fetch(`${nginx.url}/static/style.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await res.text()).toContain('gantry-static-marker');
  });

  it('passes the environ WORKER.md describes (SCRIPT_NAME empty, PATH_INFO, query)', async () => {
    const res = await fetch(`${nginx.url}/env?x=1`);
    expect(res.status).toBe(200);
    const env = (await res.json()) as Record<string, string>;
    expect(env.script_name).toBe('');
    expect(env.path_info).toBe('/env');
    expect(env.url_scheme).toBe('http');
    expect(env.url).toBe(`http://127.0.0.1:${nginx.port}/env?x=1`);
  });

  it('posts a form, redirects, and keeps the session cookie', async () => {
    const b = browser(nginx.url);
    const post = await b.fetch('/form', { method: 'POST', body: new URLSearchParams({ name: 'Ada Lovelace' }) });
    expect(post.status).toBe(302);
    expect(new URL(post.headers.get('location')!, nginx.url).pathname).toBe('/thanks');
    expect(b.jar.get('session')).toBeTruthy();
    const thanks = await b.fetch('/thanks');
    expect(thanks.status).toBe(200);
    expect(await thanks.text()).toContain('Thanks, Ada Lovelace!');
  });

  it('rejects an invalid form with 400', async () => {
    const res = await fetch(`${nginx.url}/form`, { method: 'POST', body: new URLSearchParams({ name: '' }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('id="form-error"');
  });

  it('uploads a 3 MB multipart file intact (many FCGI_STDIN records)', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const form = new FormData();
    form.append('note', 'hello');
    form.append('file', new Blob([data], { type: 'application/octet-stream' }), 'blob.bin');
    const res = await fetch(`${nginx.url}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ filename: 'blob.bin', size: data.length, fields: { note: 'hello' } });
    expect(body.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('returns a large response intact (many FCGI_STDOUT records)', async () => {
    const res = await fetch(`${nginx.url}/api/items?limit=20000`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: unknown[]; count: number };
    expect(body.count).toBe(20000);
    expect(body.items).toHaveLength(20000);
  });

  it('streams a generator response (no length) and a 20 MB send_file download', async () => {
    const stream = await fetch(`${nginx.url}/stream?lines=1000`);
    expect(stream.status).toBe(200);
    const lines = (await stream.text()).split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[999]).toBe('line 999 of /stream');
    const size = 20 * 1024 * 1024;
    const dl = await fetch(`${nginx.url}/download?size=${size}`);
    expect(dl.status).toBe(200);
    const got = Buffer.from(await dl.arrayBuffer());
    expect(got.length).toBe(size);
    expect(got[size - 1]).toBe(255);
    expect(got[256 * 1000 + 7]).toBe(7);
  });

  it('passes redirects through with their status and Location', async () => {
    const res = await fetch(`${nginx.url}/redirect?to=/json&code=301`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, nginx.url).pathname).toBe('/json');
  });

  it('sets and reads cookies', async () => {
    const b = browser(nginx.url);
    const set = await b.fetch('/cookie/set?value=ginger');
    expect(set.status).toBe(200);
    expect(set.headers.getSetCookie()).toHaveLength(2);
    const get = await b.fetch('/cookie/get');
    expect(await get.json()).toEqual({ cookies: { flavour: 'ginger', second: '2' } });
  });

  it('answers 404 from the app and 500 when the app raises, then keeps serving', async () => {
    const missing = await fetch(`${nginx.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('id="not-found"');
    const boom = await fetch(`${nginx.url}/error`);
    expect(boom.status).toBe(500);
    await boom.arrayBuffer();
    const after = await fetch(`${nginx.url}/json`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ message: 'Hello, World!' });
  });

  it('handles concurrent requests over kept-alive FastCGI connections', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${nginx.url}/api/items?limit=${i}`).then(async (r) => [r.status, ((await r.json()) as { count: number }).count]),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => [200, i]));
  });
});

// The same app mounted under /shop by nginx (SCRIPT_NAME=/shop, PATH_INFO=the rest), the way apps
// are deployed beside others on one host: Flask must build its URLs and redirects under the prefix.
describe.skipIf(skip)('nginx fastcgi_pass under a mount prefix (/shop)', () => {
  let tmp: TempDir;
  let worker: StartedProcess;
  let nginx: NginxServer;

  beforeAll(async () => {
    ({ tmp, worker, nginx } = await flaskBehindNginx('gantry-nginx-mount-', 2, { mount: '/shop' }));
  });
  afterAll(async () => {
    const results = await Promise.allSettled([nginx?.stop(), worker?.stop()]);
    await tmp?.remove();
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });

  it('passes SCRIPT_NAME and PATH_INFO split at the prefix', async () => {
    const res = await fetch(`${nginx.url}/shop/env?x=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ script_name: '/shop', path_info: '/env', url: `http://127.0.0.1:${nginx.port}/shop/env?x=1` });
  });

  it('links and redirects stay under the prefix', async () => {
    const form = await (await fetch(`${nginx.url}/shop/form`)).text();
    expect(form).toContain('action="/shop/form"');
    expect(form).toContain('href="/shop/static/style.css"');
    const b = browser(nginx.url);
    const post = await b.fetch('/shop/form', { method: 'POST', body: new URLSearchParams({ name: 'Prefix' }) });
    expect(post.status).toBe(302);
    expect(new URL(post.headers.get('location')!, nginx.url).pathname).toBe('/shop/thanks');
    const thanks = await b.fetch('/shop/thanks');
    expect(await thanks.text()).toContain('Thanks, Prefix!');
  });

  it('serves static files under the prefix', async () => {
    const res = await fetch(`${nginx.url}/shop/static/style.css`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('gantry-static-marker');
  });
});
