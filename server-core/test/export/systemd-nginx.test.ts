// systemd + nginx, checked by the tools that consume them: `systemd-analyze verify` on every unit and
// `nginx -t` on every site; then end to end: `gantry serve` started with the unit's exact ExecStart (and its
// EnvironmentFile), nginx with the exported site, and a Flask factory app and a Django project answering
// through nginx: dynamic pages by the app, static files by nginx, the client's address and scheme as the
// app sees them, a body over the limit refused by nginx.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportApp } from '../../src/export/index.js';
import { systemdSplit } from '../../src/export/systemd.js';
import { freePort } from '../helpers/nginx.js';
import { assertGantryBuilt, GANTRY_BIN, SYSTEM_PYTHON } from '../helpers/paths.js';
import { startProcess, type StartedProcess } from '../helpers/process.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { requirePythonModule, requireTool } from '../helpers/tools.js';
import { ALL_PROJECTS, copyProject, DJANGO_STATIC, exportInput, FLASK_FACTORY } from './fixtures.js';

const systemdAnalyze = requireTool('systemd-analyze', 'apt-get install systemd');
const nginx = requireTool('nginx', 'apt-get install nginx-light');
const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');
const django = await requirePythonModule(SYSTEM_PYTHON, 'django', 'apt-get install python3-django');

/** An nginx.conf around an exported site (the site goes inside http {}, as sites-enabled/ files do). */
function nginxConf(prefix: string, site: string): string {
  const t = (n: string) => join(prefix, 'tmp', n);
  return [
    'daemon off;',
    'worker_processes 1;',
    // As root, nginx's worker would otherwise switch to "nobody", which cannot reach the temp folders.
    'user root;',
    'error_log stderr notice;',
    `pid ${join(prefix, 'nginx.pid')};`,
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${t('body')}; proxy_temp_path ${t('proxy')}; fastcgi_temp_path ${t('fcgi')}; uwsgi_temp_path ${t('uwsgi')}; scgi_temp_path ${t('scgi')};`,
    `  include ${site};`,
    '}',
    '',
  ].join('\n');
}

async function nginxPrefix(dir: string, siteContent: string): Promise<{ conf: string }> {
  for (const d of ['tmp', 'logs']) await mkdir(join(dir, d), { recursive: true });
  const site = join(dir, 'site.conf');
  await writeFile(site, siteContent);
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, nginxConf(dir, site));
  return { conf };
}

describe.skipIf(!systemdAnalyze.path || !nginx.path)('exported units and sites pass their tools', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    assertGantryBuilt();
    tmp = await makeTempDir('gantry-export-');
  });
  afterAll(() => tmp?.remove());

  for (const [name, folder] of Object.entries(ALL_PROJECTS)) {
    for (const server of ['gantry', 'gunicorn'] as const) {
      it(`systemd-analyze verify: ${name} (${server})`, async () => {
        const input = await exportInput(folder);
        const r = exportApp('systemd', input, { server, gantryCommand: GANTRY_BIN });
        const dir = join(tmp.path, `sd-${name}-${server}`);
        await mkdir(dir);
        const unit = join(dir, r.files[0]!.path);
        await writeFile(unit, r.files[0]!.content);
        const v = spawnSync(systemdAnalyze.path!, ['verify', unit], {
          encoding: 'utf8',
          env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' },
        });
        // verify exits 0 on mere warnings (an unknown value is "ignoring"): any output at all is a failure here.
        expect(v.stderr + v.stdout, 'systemd-analyze output').toBe('');
        expect(v.status).toBe(0);
      });
    }

    it(`systemd-analyze verify and nginx -t on a Unix-socket bind: ${name}`, async () => {
      const base = await exportInput(folder);
      const input = { ...base, settings: { ...base.settings, bind: [`unix:/run/${base.appId}/gantry.sock`] } };
      const dir = join(tmp.path, `unix-${name}`);
      await mkdir(dir);
      const unit = exportApp('systemd', input, { gantryCommand: GANTRY_BIN });
      await writeFile(join(dir, unit.files[0]!.path), unit.files[0]!.content);
      const v = spawnSync(systemdAnalyze.path!, ['verify', join(dir, unit.files[0]!.path)], {
        encoding: 'utf8',
        env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' },
      });
      expect(v.stderr + v.stdout, 'systemd-analyze output').toBe('');
      const site = exportApp('nginx', input, { nginxListen: '127.0.0.1:1' });
      expect(site.files[0]!.content).toContain(`server unix:/run/${base.appId}/gantry.sock;`);
      const { conf } = await nginxPrefix(join(dir, 'nginx'), site.files[0]!.content);
      const t = spawnSync(nginx.path!, ['-t', '-p', join(dir, 'nginx'), '-c', conf, '-e', 'stderr'], { encoding: 'utf8' });
      expect(t.stderr).toMatch(/test is successful/);
    });

    it(`nginx -t: ${name}`, async () => {
      const r = exportApp('nginx', await exportInput(folder), { nginxListen: '127.0.0.1:1' });
      const { conf } = await nginxPrefix(join(tmp.path, `ngx-${name}`), r.files[0]!.content);
      const t = spawnSync(nginx.path!, ['-t', '-p', join(tmp.path, `ngx-${name}`), '-c', conf, '-e', 'stderr'], { encoding: 'utf8' });
      expect(t.stderr).toMatch(/test is successful/);
      expect(t.status).toBe(0);
    });
  }
});

interface Running {
  readonly gantry: StartedProcess;
  readonly nginx: StartedProcess;
  readonly url: string;
  readonly port: number;
}

/** Runs the exported unit's ExecStart as systemd would (cwd, EnvironmentFile) and nginx with the exported site. */
async function runExported(project: string, dir: string, limitBody: number): Promise<Running> {
  const input = await exportInput(project);
  expect(input.settings.limitRequestBody).toBe(limitBody);
  const unit = exportApp('systemd', input, { gantryCommand: GANTRY_BIN });
  const unitText = unit.files[0]!.content;
  const execStart = systemdSplit(/^ExecStart=(.*)$/m.exec(unitText)![1]!);
  const cwd = /^WorkingDirectory=(.*)$/m.exec(unitText)![1]!;
  // The EnvironmentFile, read as systemd reads it (KEY=VALUE, "…" quoted, # comments).
  const env: Record<string, string> = {};
  for (const line of unit.files[1]!.content.split('\n')) {
    const m = /^([A-Za-z_]\w*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  }
  const gantry = await startProcess({
    name: 'gantry',
    command: execStart[0]!,
    args: execStart.slice(1),
    cwd,
    env: { ...process.env, ...env },
    ready: /Listening at: /,
    timeoutMs: 30_000,
  });
  const port = await freePort();
  const site = exportApp('nginx', input, { nginxListen: `127.0.0.1:${port}` });
  const { conf } = await nginxPrefix(join(dir, 'nginx'), site.files[0]!.content);
  const ngx = await startProcess({
    name: 'nginx',
    command: nginx.path!,
    args: ['-p', join(dir, 'nginx'), '-c', conf, '-e', 'stderr'],
    ready: /start worker process \d+/,
  });
  return { gantry, nginx: ngx, url: `http://127.0.0.1:${port}`, port };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request from a chosen loopback address (all of 127/8 is this machine), so "the client" differs from nginx. */
function send(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A spoofing client: every forwarding header the app might read, with lies in them. */
const LIES = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', forwarded: 'for=6.6.6.6;proto=https', 'x-forwarded-ssl': 'on' };

async function checkThroughNginx(
  run: Running,
  staticPath: string,
  staticText: RegExp,
  dynamic: { path: string; text: RegExp },
  limit: number,
): Promise<void> {
  const page = await send(run.port, dynamic.path);
  expect(page.status).toBe(200);
  expect(page.body).toMatch(dynamic.text);

  const css = await send(run.port, staticPath);
  expect(css.status).toBe(200);
  expect(css.body).toMatch(staticText);

  const who = JSON.parse((await send(run.port, '/whoami', { from: '127.0.0.5', headers: LIES })).body) as {
    remote_addr: string;
    scheme: string;
    host: string;
  };
  expect(who.remote_addr).toBe('127.0.0.5');
  expect(who.scheme).toBe('http');
  expect(who.host).toBe(`127.0.0.1:${run.port}`);

  // The app logs every request it gets (the profile's --access-logfile -): the static file never reached it.
  await run.gantry.waitForOutput(/"GET \/whoami HTTP\/1\.[01]" 200/);
  expect(run.gantry.output()).not.toContain(staticPath);
}

describe.skipIf(!nginx.path || !flask.path || !django.path)('through nginx, as exported', () => {
  let tmp: TempDir;
  const running: Running[] = [];
  beforeAll(async () => {
    assertGantryBuilt();
    tmp = await makeTempDir('gantry-export-e2e-');
  });
  afterAll(async () => {
    for (const r of running) {
      await r.nginx.stop();
      await r.gantry.stop();
    }
    await tmp?.remove();
  });

  it('a Flask factory app on a Unix socket', async () => {
    const dir = join(tmp.path, 'flask');
    const project = await copyProject(FLASK_FACTORY, dir);
    // The staging profile, on a Unix socket, with Debian's interpreter, the access log on stdout and the
    // "Listening at" line (info) that says it is ready.
    const toml = await readFile(join(project, 'pyproject.toml'), 'utf8');
    await writeFile(
      join(project, 'pyproject.toml'),
      toml.replace(
        '[tool.gantry.profiles.staging]\n',
        `[tool.gantry.profiles.staging]\nbind = ["unix:${dir}/shop.sock"]\npython = "${SYSTEM_PYTHON}"\naccess-logfile = "-"\nlog-level = "info"\n`,
      ),
    );
    const run = await runExported(project, dir, 65536);
    running.push(run);
    await checkThroughNginx(run, '/static/shop.css', /served by nginx/, { path: '/', text: /hello from the shop/ }, 65536);
    // The env file reached the app: its placeholder secret is set.
    expect(JSON.parse((await send(run.port, '/whoami')).body).secret_set).toBe(true);
    // The limit is Gantry's: one byte over is refused by nginx (413, and the app never sees it); at the limit it passes.
    const over = await send(run.port, '/upload', {
      method: 'POST',
      body: Buffer.alloc(65537, 97),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(over.status).toBe(413);
    expect(over.headers.server).toMatch(/nginx/);
    const at = await send(run.port, '/upload', {
      method: 'POST',
      body: Buffer.alloc(65536, 97),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(at.status).toBe(200);
    expect(JSON.parse(at.body).received).toBe(65536);
    expect(run.gantry.output()).not.toMatch(/"POST \/upload HTTP\/1\.[01]" 413/);
  });

  it('a Django project with collected static files on TCP', async () => {
    const dir = join(tmp.path, 'django');
    const project = await copyProject(DJANGO_STATIC, dir);
    const appPort = await freePort();
    const toml = await readFile(join(project, 'pyproject.toml'), 'utf8');
    await writeFile(
      join(project, 'pyproject.toml'),
      toml.replace(
        '[tool.gantry.profiles.staging]\n',
        `[tool.gantry.profiles.staging]\nbind = ["127.0.0.1:${appPort}"]\npython = "${SYSTEM_PYTHON}"\naccess-logfile = "-"\nlog-level = "info"\nlimit-request-body = 1000\n`,
      ),
    );
    const collect = spawnSync(SYSTEM_PYTHON, ['manage.py', 'collectstatic', '--noinput'], { cwd: project, encoding: 'utf8' });
    expect(collect.status, collect.stderr).toBe(0);
    const run = await runExported(project, dir, 1000);
    running.push(run);
    await checkThroughNginx(run, '/static/css/site.css', /collected by collectstatic/, { path: '/', text: /django says hello/ }, 1000);
    const over = await send(run.port, '/', { method: 'POST', body: Buffer.alloc(1001, 97) });
    expect(over.status).toBe(413);
    expect(over.headers.server).toMatch(/nginx/);
  });
});
