// Real Django project (test/fixtures/projects/djangosite, startproject layout) under `gantry serve`:
// migrate into a temp sqlite DB first, pass settings with -e, then the CSRF round trip, the admin
// login page and a real admin login, redirects and 404 (DEBUG off).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../helpers/gantry.js';
import { browser, hiddenInput } from '../helpers/http.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { requirePythonModule } from '../helpers/tools.js';
import { REFERENCE, serveApp } from './serve.js';

const django = await requirePythonModule(SYSTEM_PYTHON, 'django', 'apt-get install python3-django');
const PROJECT = fixtureProject('djangosite');
const ADMIN_PASSWORD = 'correct-horse-battery-staple';

function manage(env: Record<string, string>, ...args: string[]): void {
  const r = spawnSync(SYSTEM_PYTHON, ['manage.py', ...args], { cwd: PROJECT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`manage.py ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

describe.skipIf(!django.path)('Django fixture under gantry serve', () => {
  let tmp: TempDir;
  let server: HttpServer;

  beforeAll(async () => {
    tmp = await makeTempDir('gantry-django-');
    const env = {
      GANTRY_DJANGO_DB: join(tmp.path, 'db.sqlite3'),
      DJANGO_SECRET_KEY: 'gantry-test-key-not-secret',
      DJANGO_STATIC_ROOT: join(tmp.path, 'static'),
      PYTHONDONTWRITEBYTECODE: '1',
    };
    manage(env, 'migrate', '--noinput', '-v', '0');
    manage(env, 'collectstatic', '--noinput', '-v', '0');
    manage(
      { ...env, DJANGO_SUPERUSER_PASSWORD: ADMIN_PASSWORD },
      'createsuperuser',
      '--noinput',
      '--username',
      'admin',
      '--email',
      'admin@example.com',
    );
    // The collected static files are served by the gateway (--static), as a deployment would.
    server = await serveApp({ app: 'mysite.wsgi:application', chdir: PROJECT, env, staticMap: { '/static': join(tmp.path, 'static') } });
  });
  afterAll(async () => {
    const exit = await server?.stop();
    await tmp?.remove();
    expect(exit?.code).toBe(0);
  });

  describe('CSRF round trip', () => {
    it('GET form -> csrftoken cookie + hidden field -> POST with both -> 302 -> thanks page', async () => {
      const b = browser(server.url);
      const form = await b.fetch('/guestbook/');
      expect(form.status).toBe(200);
      const html = await form.text();
      const token = hiddenInput(html, 'csrfmiddlewaretoken');
      expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(b.jar.get('csrftoken')).toMatch(/^[A-Za-z0-9]{64}$/);

      const post = await b.fetch('/guestbook/', {
        method: 'POST',
        body: new URLSearchParams({ csrfmiddlewaretoken: token!, name: 'Linus', message: 'hi from gantry' }),
      });
      expect(post.status).toBe(302);
      const location = new URL(post.headers.get('location')!, server.url).pathname;
      expect(location).toMatch(/^\/guestbook\/thanks\/\d+\/$/);
      const thanks = await b.fetch(location);
      expect(thanks.status).toBe(200);
      expect(await thanks.text()).toContain('<p id="thanks">Thanks, Linus!</p>');
    });

    it('non-ASCII form input survives the round trip (UTF-8 in, UTF-8 out)', async () => {
      const b = browser(server.url);
      const token = hiddenInput(await (await b.fetch('/guestbook/')).text(), 'csrfmiddlewaretoken')!;
      const name = 'Zoë Ünïcødé 🚀 名前';
      const post = await b.fetch('/guestbook/', { method: 'POST', body: new URLSearchParams({ csrfmiddlewaretoken: token, name }) });
      expect(post.status).toBe(302);
      const thanks = await b.fetch(new URL(post.headers.get('location')!, server.url).pathname);
      expect(thanks.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await thanks.text()).toContain(`Thanks, ${name}!`);
    });

    it('POST without the cookie and token -> 403', async () => {
      const res = await fetch(`${server.url}/guestbook/`, { method: 'POST', body: new URLSearchParams({ name: 'Mallory' }) });
      expect(res.status).toBe(403);
      await res.arrayBuffer();
    });

    it('POST with the cookie but a wrong token -> 403', async () => {
      const b = browser(server.url);
      await (await b.fetch('/guestbook/')).text();
      const res = await b.fetch('/guestbook/', {
        method: 'POST',
        body: new URLSearchParams({ csrfmiddlewaretoken: 'x'.repeat(64), name: 'Mallory' }),
      });
      expect(res.status).toBe(403);
      await res.arrayBuffer();
    });

    it('POST with the token in X-CSRFToken (an AJAX client) is accepted', async () => {
      const b = browser(server.url);
      await (await b.fetch('/guestbook/')).text();
      const res = await b.fetch('/guestbook/', {
        method: 'POST',
        headers: { 'x-csrftoken': b.jar.get('csrftoken')! },
        body: new URLSearchParams({ name: 'Ajax' }),
      });
      expect(res.status).toBe(302);
    });

    it('an invalid form with a valid token -> 400 from the view', async () => {
      const b = browser(server.url);
      const token = hiddenInput(await (await b.fetch('/guestbook/')).text(), 'csrfmiddlewaretoken')!;
      const res = await b.fetch('/guestbook/', { method: 'POST', body: new URLSearchParams({ csrfmiddlewaretoken: token, name: '' }) });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('errorlist');
    });
  });

  describe('admin', () => {
    it('GET /admin/login/ renders the login form', async () => {
      const res = await fetch(`${server.url}/admin/login/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('id="login-form"');
      expect(hiddenInput(html, 'csrfmiddlewaretoken')).toBeTruthy();
      expect(html).toMatch(/name="username"/);
      expect(html).toMatch(/name="password"/);
    });

    it('/admin/ without a session redirects to the login page with ?next=', async () => {
      const res = await fetch(`${server.url}/admin/`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const loc = new URL(res.headers.get('location')!, server.url);
      expect(loc.pathname).toBe('/admin/login/');
      expect(loc.searchParams.get('next')).toBe('/admin/');
    });

    it('logging in through the form reaches the admin index', async () => {
      const b = browser(server.url);
      const token = hiddenInput(await (await b.fetch('/admin/login/?next=/admin/')).text(), 'csrfmiddlewaretoken')!;
      const login = await b.fetch('/admin/login/?next=/admin/', {
        method: 'POST',
        body: new URLSearchParams({ csrfmiddlewaretoken: token, username: 'admin', password: ADMIN_PASSWORD, next: '/admin/' }),
      });
      expect(login.status).toBe(302);
      expect(new URL(login.headers.get('location')!, server.url).pathname).toBe('/admin/');
      expect(b.jar.get('sessionid')).toBeTruthy();
      const index = await b.fetch('/admin/');
      expect(index.status).toBe(200);
      const html = await index.text();
      expect(html).toContain('Site administration');
      expect(html).toContain('/admin/guestbook/entry/');
    });

    it('a wrong password re-renders the form (200) without a session', async () => {
      const b = browser(server.url);
      const token = hiddenInput(await (await b.fetch('/admin/login/')).text(), 'csrfmiddlewaretoken')!;
      const res = await b.fetch('/admin/login/', {
        method: 'POST',
        body: new URLSearchParams({ csrfmiddlewaretoken: token, username: 'admin', password: 'wrong' }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('errornote');
      expect(b.jar.get('sessionid')).toBeUndefined();
    });
  });

  describe.skipIf(REFERENCE)('static files collected by collectstatic, served by the gateway', () => {
    it('the admin stylesheet the login page links to is served', async () => {
      const page = await (await fetch(`${server.url}/admin/login/`)).text();
      const href = page.match(/href="(\/static\/admin\/css\/[^"]+\.css)"/)?.[1];
      expect(href).toBeTruthy();
      const css = await fetch(`${server.url}${href}`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
      expect((await css.text()).length).toBeGreaterThan(100);
    });

    it('a missing static file is 404', async () => {
      const res = await fetch(`${server.url}/static/admin/css/no-such-file.css`);
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    });
  });

  describe('redirects and 404', () => {
    it('a permanent RedirectView -> 301', async () => {
      const res = await fetch(`${server.url}/old-guestbook/`, { redirect: 'manual' });
      expect(res.status).toBe(301);
      expect(new URL(res.headers.get('location')!, server.url).pathname).toBe('/guestbook/');
    });

    it('APPEND_SLASH: /guestbook -> 301 /guestbook/ (query kept)', async () => {
      const res = await fetch(`${server.url}/guestbook?x=1`, { redirect: 'manual' });
      expect(res.status).toBe(301);
      const loc = new URL(res.headers.get('location')!, server.url);
      expect(loc.pathname + loc.search).toBe('/guestbook/?x=1');
    });

    it('unknown URL -> 404 (DEBUG off: no URLconf listing)', async () => {
      const res = await fetch(`${server.url}/no/such/page/`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('URLconf');
    });

    it('a Host outside ALLOWED_HOSTS -> 400', async () => {
      const { rawExchange } = await import('../helpers/raw-http.js');
      const { responses } = await rawExchange(server.port, 'GET /guestbook/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
      expect(responses.map((r) => r.status)).toEqual([400]);
    });
  });
});
