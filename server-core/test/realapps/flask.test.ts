// Real Flask app (test/fixtures/projects/flaskapp) under `gantry serve --python /usr/bin/python3`:
// forms, Post/Redirect/Get, session and plain cookies, multipart upload, static files, JSON, 404, 500.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../helpers/gantry.js';
import { browser } from '../helpers/http.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection, rawExchange } from '../helpers/raw-http.js';
import { requirePythonModule } from '../helpers/tools.js';
import { REFERENCE, serveApp } from './serve.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');

describe.skipIf(!flask.path)('Flask fixture under gantry serve', () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await serveApp({ app: 'flaskapp:app', chdir: fixtureProject('flaskapp') });
  });
  afterAll(async () => {
    const exit = await server?.stop();
    // A graceful stop is a clean exit (TERM handled), not a crash.
    expect(exit?.code).toBe(0);
  });

  it('renders the home page', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<h1 id="home">Home</h1>');
  });

  describe('forms and redirects', () => {
    it('GET shows the form', async () => {
      const res = await fetch(`${server.url}/form`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<form id="name-form" method="post" action="\/form">/);
    });

    it('POST valid -> 302 to /thanks with a session cookie; the session carries the name', async () => {
      const b = browser(server.url);
      const post = await b.fetch('/form', { method: 'POST', body: new URLSearchParams({ name: 'Grace Hopper' }) });
      expect(post.status).toBe(302);
      expect(new URL(post.headers.get('location')!, server.url).pathname).toBe('/thanks');
      expect(b.jar.get('session')).toBeTruthy();
      const thanks = await b.fetch('/thanks');
      expect(thanks.status).toBe(200);
      expect(await thanks.text()).toContain('<p id="thanks">Thanks, Grace Hopper!</p>');
      const home = await b.fetch('/');
      expect(await home.text()).toContain('<p id="greeting">Hello, Grace Hopper</p>');
    });

    it('non-ASCII names and query values survive (UTF-8 form body, percent-encoded UTF-8 query)', async () => {
      const b = browser(server.url);
      const name = 'Zoë 🚀 名前';
      const post = await b.fetch('/form', { method: 'POST', body: new URLSearchParams({ name }) });
      expect(post.status).toBe(302);
      expect(await (await b.fetch('/thanks')).text()).toContain(`Thanks, ${name}!`);
      const redirect = await fetch(`${server.url}/redirect?to=${encodeURIComponent('/caf\u00e9?q=\u00fc')}`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(new URL(redirect.headers.get('location')!, server.url).pathname).toBe('/caf%C3%A9');
    });

    it('POST invalid -> 400 with the error shown', async () => {
      const res = await fetch(`${server.url}/form`, { method: 'POST', body: new URLSearchParams({ name: '   ' }) });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('id="form-error"');
    });

    it('without a session, /thanks redirects back to the form', async () => {
      const res = await fetch(`${server.url}/thanks`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!, server.url).pathname).toBe('/form');
    });

    it.each([301, 302, 303, 307, 308])('redirect with status %i keeps its Location', async (code) => {
      const res = await fetch(`${server.url}/redirect?to=/api/items%3Flimit%3D1&code=${code}`, { redirect: 'manual' });
      expect(res.status).toBe(code);
      const loc = new URL(res.headers.get('location')!, server.url);
      expect(loc.pathname + loc.search).toBe('/api/items?limit=1');
    });

    it('fetch following the redirect lands on the target', async () => {
      const res = await fetch(`${server.url}/redirect?to=/json`);
      expect(res.status).toBe(200);
      expect(res.redirected).toBe(true);
      expect(await res.json()).toEqual({ message: 'Hello, World!' });
    });
  });

  describe('cookies', () => {
    it('keeps two Set-Cookie headers separate, with their attributes', async () => {
      const res = await fetch(`${server.url}/cookie/set?value=rye`);
      expect(res.status).toBe(200);
      const cookies = res.headers.getSetCookie();
      expect(cookies).toHaveLength(2);
      expect(cookies.find((c) => c.startsWith('flavour='))).toMatch(/^flavour=rye; HttpOnly; Path=\/; SameSite=Lax$/);
      expect(cookies.find((c) => c.startsWith('second='))).toBe('second=2; Path=/');
    });

    it('sends cookies back to the app', async () => {
      const b = browser(server.url);
      await b.fetch('/cookie/set?value=spelt');
      const res = await b.fetch('/cookie/get');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ cookies: { flavour: 'spelt', second: '2' } });
    });
  });

  describe('file upload (multipart)', () => {
    it('uploads a small text file and form fields', async () => {
      const form = new FormData();
      form.append('caption', 'a note');
      form.append('file', new Blob(['hello, upload\n'], { type: 'text/plain' }), 'note.txt');
      const res = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        filename: 'note.txt',
        content_type: 'text/plain',
        size: 14,
        sha256: createHash('sha256').update('hello, upload\n').digest('hex'),
        fields: { caption: 'a note' },
      });
    });

    it('uploads 8 MB of random bytes intact', async () => {
      const data = randomBytes(8 * 1024 * 1024 + 3);
      const form = new FormData();
      form.append('file', new Blob([data]), 'random.bin');
      const res = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { size: number; sha256: string };
      expect(body.size).toBe(data.length);
      expect(body.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    });

    it('answers 400 from the app when the file part is missing', async () => {
      const form = new FormData();
      form.append('caption', 'no file');
      const res = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'no file' });
    });
  });

  describe('static files (served by Flask)', () => {
    it('GET returns the file with its type and validators', async () => {
      const res = await fetch(`${server.url}/static/style.css`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/css/);
      expect(res.headers.get('last-modified')).toBeTruthy();
      expect(await res.text()).toContain('gantry-static-marker');
    });

    it('a conditional GET gets 304 with no body', async () => {
      const first = await fetch(`${server.url}/static/style.css`);
      await first.arrayBuffer();
      const etag = first.headers.get('etag');
      expect(etag).toBeTruthy();
      const { responses } = await rawExchange(
        server.port,
        `GET /static/style.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`,
      );
      expect(responses).toHaveLength(1);
      expect(responses[0]!.status).toBe(304);
      expect(responses[0]!.body.length).toBe(0);
    });

    it('HEAD gives the headers of GET and no body', async () => {
      const { responses, received } = await rawExchange(
        server.port,
        'HEAD /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        { methods: ['HEAD'] },
      );
      expect(responses).toHaveLength(1);
      expect(responses[0]!.status).toBe(200);
      expect(responses[0]!.header('content-type')).toMatch(/^text\/css/);
      // Nothing after the head: HEAD never carries a body.
      expect(received.toString('latin1').endsWith('\r\n\r\n')).toBe(true);
    });
  });

  describe('JSON', () => {
    it('GET returns JSON', async () => {
      const res = await fetch(`${server.url}/api/items?limit=2`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({
        count: 2,
        items: [
          { id: 0, name: 'item 0' },
          { id: 1, name: 'item 1' },
        ],
      });
    });

    it("POST JSON is echoed; non-JSON gets the app's 415", async () => {
      const ok = await fetch(`${server.url}/api/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: [1, 'é', null] }),
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ received: { a: [1, 'é', null] }, method: 'POST' });
      const bad = await fetch(`${server.url}/api/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'nope' });
      expect(bad.status).toBe(415);
      await bad.arrayBuffer();
    });

    it('a 600 KB JSON response arrives whole', async () => {
      const res = await fetch(`${server.url}/api/items?limit=20000`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: unknown[] };
      expect(body.items).toHaveLength(20000);
    });
  });

  it('after a large response, every worker slot still answers promptly', async () => {
    // A response bigger than the socket buffers makes the gateway pause the worker connection for
    // back-pressure; it must be resumed once the response is done, or the next request on that
    // slot waits for the timeout (504).
    const big = await fetch(`${server.url}/api/items?limit=20000`);
    expect(big.status).toBe(200);
    await big.arrayBuffer();
    const statuses: number[] = [];
    // Sequential, so each lands on an idle slot; 4 slots (2 workers x 2 threads), twice round.
    for (let i = 0; i < 8; i++) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 5_000);
      try {
        const res = await fetch(`${server.url}/json`, { signal: ac.signal });
        statuses.push(res.status);
        await res.arrayBuffer();
      } catch (err) {
        statuses.push(-1); // no answer within 5 s
        if (!ac.signal.aborted) throw err;
      } finally {
        clearTimeout(timer);
      }
    }
    expect(statuses).toEqual(Array(8).fill(200));
  });

  describe('streaming and downloads', () => {
    it('a generator response without a length is chunked on HTTP/1.1', async () => {
      const { responses } = await rawExchange(server.port, 'GET /stream?lines=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(responses).toHaveLength(1);
      expect(responses[0]!.status).toBe(200);
      expect(responses[0]!.header('transfer-encoding')).toBe('chunked');
      expect(responses[0]!.body.toString()).toBe('line 0 of /stream\nline 1 of /stream\nline 2 of /stream\n');
    });

    it('the same response to an HTTP/1.0 client ends with the connection instead', async () => {
      const { responses, closed } = await rawExchange(server.port, 'GET /stream?lines=2 HTTP/1.0\r\nHost: x\r\n\r\n');
      expect(closed).toBe(true);
      expect(responses).toHaveLength(1);
      expect(responses[0]!.header('transfer-encoding')).toBeUndefined();
      expect(responses[0]!.body.toString()).toBe('line 0 of /stream\nline 1 of /stream\n');
    });

    it('HEAD of a generator response sends no body bytes (not even a last chunk); the connection stays usable', async () => {
      const conn = await RawConnection.connect(server.port);
      try {
        await conn.write('HEAD /stream?lines=3 HTTP/1.1\r\nHost: x\r\n\r\n');
        const head = await conn.responses(1, ['HEAD']);
        expect(head.responses.map((r) => r.status)).toEqual([200]);
        // Stray bytes after the HEAD response (e.g. a "0\r\n\r\n" terminator) would break this parse.
        await conn.write('GET /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
        const both = await conn.responses(2, ['HEAD', 'GET']);
        expect(both.responses.map((r) => r.status)).toEqual([200, 200]);
        expect(JSON.parse(both.responses[1]!.body.toString())).toEqual({ message: 'Hello, World!' });
      } finally {
        conn.destroy();
      }
    });

    it('send_file (wsgi.file_wrapper) delivers 20 MB intact', async () => {
      const size = 20 * 1024 * 1024 + 5;
      const res = await fetch(`${server.url}/download?size=${size}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(size));
      expect(res.headers.get('content-disposition')).toBe('attachment; filename=data.bin');
      const got = Buffer.from(await res.arrayBuffer());
      const pattern = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const expected = Buffer.concat([...Array<Buffer>(Math.floor(size / 256)).fill(pattern), Buffer.alloc(size % 256)]);
      expect(got.length).toBe(size);
      expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    });

    it('a client leaving mid-download frees its worker: every slot answers afterwards', async () => {
      const conn = await RawConnection.connect(server.port);
      await conn.write(`GET /download?size=${200 * 1024 * 1024} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await conn.waitFor((c) => c.received.length > 256 * 1024, 10_000, 'the first 256 KB');
      conn.destroy();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), 10_000);
        try {
          const res = await fetch(`${server.url}/json`, { signal: ac.signal });
          statuses.push(res.status);
          await res.arrayBuffer();
        } catch (err) {
          statuses.push(-1); // no answer within 10 s
          if (!ac.signal.aborted) throw err;
        } finally {
          clearTimeout(timer);
        }
      }
      expect(statuses).toEqual(Array(8).fill(200));
    });
  });

  describe('errors', () => {
    it("unknown URL -> the app's 404 page", async () => {
      const res = await fetch(`${server.url}/does/not/exist`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('<h1 id="not-found">Not found</h1>');
    });

    it('wrong method -> 405 with Allow', async () => {
      const res = await fetch(`${server.url}/upload`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toMatch(/POST/);
      await res.arrayBuffer();
    });

    it('abort(410) -> 410', async () => {
      const res = await fetch(`${server.url}/gone`);
      expect(res.status).toBe(410);
      await res.arrayBuffer();
    });

    it('an exception in a view -> 500, and the server keeps serving', async () => {
      const res = await fetch(`${server.url}/error`);
      expect(res.status).toBe(500);
      const text = await res.text();
      // Flask's own 500 page: the traceback is not leaked to the client.
      expect(text).not.toContain('Traceback');
      const after = await Promise.all(Array.from({ length: 8 }, () => fetch(`${server.url}/json`).then((r) => r.status)));
      expect(after).toEqual(Array(8).fill(200));
    });
  });

  it('keeps 200 concurrent requests apart: each answer carries its own body, query and cookie', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const b = browser(server.url);
        const set = await b.fetch(`/cookie/set?value=v${i}`);
        await set.arrayBuffer();
        const [post, cookies] = await Promise.all([
          b.fetch(`/api/echo?n=${i}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ i, pad: 'x'.repeat(i * 37) }),
          }),
          b.fetch('/cookie/get'),
        ]);
        const echoed = (await post.json()) as { received: { i: number; pad: string } };
        const jar = (await cookies.json()) as { cookies: { flavour: string } };
        return [echoed.received.i, echoed.received.pad.length, jar.cookies.flavour];
      }),
    );
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => [i, i * 37, `v${i}`]));
  });

  describe.skipIf(REFERENCE)('app output', () => {
    it('print, stderr and logging stay out of the response and reach the log, each tagged with the request id', async () => {
      const tag = `t${Date.now()}`;
      const res = await fetch(`${server.url}/noisy?tag=${tag}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ tag });
      const id = res.headers.get('x-request-id');
      expect(id).toBeTruthy();
      const esc = id!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await server.waitForOutput(new RegExp(`\\[${esc}\\] noisy stdout ${tag}`), 10_000);
      await server.waitForOutput(new RegExp(`\\[${esc}\\] noisy stderr ${tag}`), 10_000);
      await server.waitForOutput(new RegExp(`\\[${esc}\\] .*noisy logger ${tag}`), 10_000);
    });

    it("a view's traceback is logged with its request id", async () => {
      const res = await fetch(`${server.url}/error`);
      expect(res.status).toBe(500);
      await res.arrayBuffer();
      const esc = res.headers.get('x-request-id')!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await server.waitForOutput(new RegExp(`\\[${esc}\\] RuntimeError: boom: deliberate error from the fixture`), 10_000);
    });
  });

  it('serves 50 concurrent requests correctly', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${server.url}/api/items?limit=${i % 7}`).then(async (r) => [r.status, ((await r.json()) as { count: number }).count]),
      ),
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => [200, i % 7]));
  });
});
