// Apps through the HTTP API: CRUD with invalid bodies (400 naming the field), pyproject import, profiles and
// effective settings with origins, secret masking, port claims and checks. The runtime is the fake one here:
// these tests are about the control plane (real-worker tests are in runtime-integration.test.ts).
import { freePort } from '../helpers/free-port.js';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeRuntime } from '../host/fake-runtime.js';
import { SERVER_CORE_DIR } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { harnessScope } from './api-client.js';
import { SECRET_MASK } from '../../src/control/contract.js';

const fixture = (name: string): string => resolve(SERVER_CORE_DIR, 'test', 'fixtures', 'detect', name);

const project = tempDirScope('gantry-project-');
const h = harnessScope({ createRuntime: (s) => createFakeRuntime(s) }, {}, 'each');
beforeEach(() => cp(fixture('pyproject'), project.path, { recursive: true }));

describe('apps CRUD', () => {
  it('refuses invalid bodies with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'folder'],
      [{ folder: project.path, settings: { workers: 0 } }, 'settings.workers'],
      [{ folder: project.path, settings: { bind: ['localhost:99999'] } }, 'settings.bind.0'],
      [{ folder: project.path, settings: { nope: 1 } }, 'settings.nope'],
      [{ folder: project.path, bogus: true }, 'bogus'],
      [{ folder: project.path, id: 'Has Spaces' }, 'id'],
      [{ folder: project.path, profiles: { staging: { threads: -1 } } }, 'profiles.staging.threads'],
      [{ folder: join(project.path, 'missing') }, 'folder'],
    ];
    for (const [body, field] of cases) {
      const r = await h.api('POST', '/api/apps', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('GANTRY_ERR_INVALID_CONFIG');
      expect(r.body.details.field, JSON.stringify(body)).toBe(field);
      expect(typeof r.body.details.reason).toBe('string');
    }
    const badJson = await h.api('POST', '/api/apps', '{"folder": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ code: 'GANTRY_ERR_INVALID_CONFIG', details: { field: 'body' } });
    expect((await h.api('GET', '/api/apps')).body.apps).toEqual([]);
  });

  it('adds a folder importing [tool.gantry], lists, shows, updates and removes it', async () => {
    const add = await h.api('POST', '/api/apps', { folder: project.path, detect: false });
    expect(add.status).toBe(200);
    const app = add.body.app;
    expect(app.definition).toMatchObject({
      id: 'tomlsite',
      name: 'tomlsite',
      origin: 'pyproject',
      activeProfile: 'dev',
      settings: { app: 'site_app:application', workers: 2, maxRequests: 500 },
    });
    expect(app.definition.settings.bind).toHaveLength(1); // a port of its own was assigned
    expect(app.profiles).toEqual(['dev', 'staging']);
    expect(app.status).toMatchObject({ appId: 'tomlsite', state: 'stopped', healthy: false });

    const list = await h.api('GET', '/api/apps');
    expect(list.body.apps.map((a: any) => a.definition.id)).toEqual(['tomlsite']);

    const patched = await h.api('PATCH', '/api/apps/tomlsite', { name: 'Renamed', settings: { ...app.definition.settings, threads: 4 } });
    expect(patched.status).toBe(200);
    expect(patched.body.definition).toMatchObject({ name: 'Renamed', settings: { threads: 4 } });
    // Saved: a new Host on the same folder sees it.
    const saved = JSON.parse(await readFile(join(h.home.path, 'apps.json'), 'utf8'));
    expect(saved.apps[0]).toMatchObject({ id: 'tomlsite', name: 'Renamed', settings: { threads: 4 } });

    const dup = await h.api('POST', '/api/apps', { folder: project.path, id: 'tomlsite', detect: false });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'GANTRY_ERR_APP_EXISTS', details: { field: 'id' } });
    const sameName = await h.api('POST', '/api/apps', { folder: project.path, name: 'renamed', detect: false });
    expect(sameName.status).toBe(409);
    expect(sameName.body.details.field).toBe('name');
    // A derived name that is taken gets a number.
    const again = await h.api('POST', '/api/apps', { folder: project.path, detect: false, importPyproject: false });
    const third = await h.api('POST', '/api/apps', { folder: project.path, detect: false, importPyproject: false });
    expect(third.body.app.definition.name).toBe(`${again.body.app.definition.name} (2)`);
    await h.api('DELETE', `/api/apps/${again.body.app.definition.id}`);
    await h.api('DELETE', `/api/apps/${third.body.app.definition.id}`);

    expect((await h.api('DELETE', '/api/apps/tomlsite')).body).toEqual({ ok: true });
    const gone = await h.api('GET', '/api/apps/tomlsite');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('GANTRY_ERR_APP_UNKNOWN');
  });

  it('an invalid update is refused and the last good definition stays', async () => {
    await h.api('POST', '/api/apps', { folder: project.path, detect: false });
    const moved = await h.api('PATCH', '/api/apps/tomlsite', { folder: join(project.path, 'gone') });
    expect(moved.status).toBe(400);
    expect(moved.body.details.field).toBe('folder');
    const bad = await h.api('PATCH', '/api/apps/tomlsite', { settings: { workers: 'many' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe('settings.workers');
    // A rule across settings: more gateway processes than workers (each needs one of its own).
    const gateways = await h.api('PATCH', '/api/apps/tomlsite', { settings: { gatewayProcesses: 3 } });
    expect(gateways.status).toBe(400);
    expect(gateways.body.details.field).toBe('settings.gatewayProcesses');
    expect(gateways.body.message).toMatch(/must not exceed workers \(\d+\)/);
    const noProfile = await h.api('PATCH', '/api/apps/tomlsite', { activeProfile: 'prod' });
    expect(noProfile.status).toBe(400);
    expect(noProfile.body.details.field).toBe('activeProfile');
    const still = await h.api('GET', '/api/apps/tomlsite');
    expect(still.body.definition.settings.workers).toBe(2);
    expect(still.body.definition.activeProfile).toBe('dev');
  });

  it('detects on add when asked and reports the result', async () => {
    const r = await h.api('POST', '/api/apps', { folder: fixture('procfile'), name: 'Proc App' });
    expect(r.status).toBe(200);
    expect(r.body.app.definition).toMatchObject({ id: 'proc-app', settings: { app: 'service.main:api' } });
    expect(r.body.detection.candidates[0]).toMatchObject({ app: 'service.main:api', framework: 'procfile' });
  });
});

describe('profiles and effective settings', () => {
  it('dev and staging differ as documented, and every value says where it came from', async () => {
    await writeFile(join(project.path, '.env'), 'FROM_DOTENV=1\nAPI_TOKEN=abc123\n');
    await writeFile(join(project.path, '.env.staging'), 'STAGE_ONLY=yes\n');
    await h.api('POST', '/api/apps', {
      folder: project.path,
      detect: false,
      settings: { env: { DATABASE_PASSWORD: 'hunter2', PLAIN: 'visible' } },
      profiles: { staging: { workers: 6 } },
    });

    const dev = (await h.api('GET', '/api/apps/tomlsite/effective?profile=dev')).body;
    expect(dev.settings).toMatchObject({ reload: true, workers: 1, timeout: 30 });
    expect(dev.origins.reload).toEqual({ layer: 'profile', profile: 'dev', builtin: true });
    expect(dev.origins.timeout).toEqual({ layer: 'default' });
    expect(dev.origins.maxRequests).toEqual({ layer: 'app' });
    expect(dev.settings.env).toMatchObject({
      FROM_DOTENV: '1',
      API_TOKEN: SECRET_MASK,
      DATABASE_PASSWORD: SECRET_MASK,
      PLAIN: 'visible',
      GREETING: 'from pyproject',
    });
    expect(dev.envOrigins.FROM_DOTENV).toEqual({ layer: 'env-file', file: '.env' });
    expect(dev.settings.env.STAGE_ONLY).toBeUndefined();
    expect(dev.secretEnvKeys.sort()).toEqual(['API_TOKEN', 'DATABASE_PASSWORD']);

    const staging = (await h.api('GET', '/api/apps/tomlsite/effective?profile=staging')).body;
    expect(staging.settings).toMatchObject({ reload: false, workers: 6 });
    expect(staging.origins.workers).toEqual({ layer: 'profile', profile: 'staging', builtin: false });
    expect(staging.settings.env).toMatchObject({ DEBUG: '0', DJANGO_DEBUG: 'False', FLASK_DEBUG: '0', STAGE_ONLY: 'yes' });
    expect(staging.envOrigins.DEBUG).toEqual({ layer: 'profile', profile: 'staging', builtin: true });

    const unknown = await h.api('GET', '/api/apps/tomlsite/effective?profile=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.field).toBe('profile');
    // A profile being created in the UI, not saved yet: what it would inherit (base settings, no profile layer).
    const draft = await h.api('GET', '/api/apps/tomlsite/effective?profile=nope&unsaved=1');
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ profile: 'nope', settings: { app: dev.settings.app, chdir: dev.settings.chdir } });
    expect(Object.values(draft.body.origins).some((o: any) => o.layer === 'profile')).toBe(false);
  });

  it('secrets are masked everywhere, and sending the mask back keeps the stored value', async () => {
    const add = await h.api('POST', '/api/apps', {
      folder: project.path,
      detect: false,
      settings: { env: { SECRET_KEY: 's3cret', MY_VALUE: 'v' } },
      secretEnvKeys: ['MY_VALUE'],
    });
    expect(add.body.app.definition.settings.env).toMatchObject({ SECRET_KEY: SECRET_MASK, MY_VALUE: SECRET_MASK });
    const listed = JSON.stringify((await h.api('GET', '/api/apps')).body);
    expect(listed).not.toContain('s3cret');
    // A form round-trip: the masked values come back with one change.
    const settings = { ...add.body.app.definition.settings, env: { ...add.body.app.definition.settings.env, OTHER: 'x' } };
    await h.api('PATCH', '/api/apps/tomlsite', { settings });
    const saved = JSON.parse(await readFile(join(h.home.path, 'apps.json'), 'utf8'));
    expect(saved.apps[0].settings.env).toEqual({ GREETING: 'from pyproject', SECRET_KEY: 's3cret', MY_VALUE: 'v', OTHER: 'x' });
    // The runtime gets the real values.
    await h.api('POST', '/api/apps/tomlsite/start', {});
    const rtSettings = h.host['slots'].get('tomlsite')!.runtime!.status().settings;
    expect(rtSettings.env.SECRET_KEY).toBe('s3cret');
  });

  it('save to project writes [tool.gantry] back', async () => {
    await h.api('POST', '/api/apps', {
      folder: project.path,
      detect: false,
      settings: { workers: 7, env: { API_TOKEN: 'tok-value', MODE: 'x' } },
    });
    const r = await h.api('POST', '/api/apps/tomlsite/save-to-project', {});
    expect(r.body).toMatchObject({
      path: join(project.path, 'pyproject.toml'),
      commentsPreserved: true,
      omittedSecretEnvKeys: ['API_TOKEN'],
    });
    const text = await readFile(join(project.path, 'pyproject.toml'), 'utf8');
    expect(text).toContain('workers = 7');
    expect(text).toContain('MODE = "x"');
    expect(text).not.toContain('tok-value');
    expect(text).toContain('# keep this comment');
  });
});

describe('ports', () => {
  it('two apps may not claim the same port', async () => {
    const port = await freePort();
    const a = await h.api('POST', '/api/apps', { folder: project.path, id: 'a', detect: false, settings: { bind: [`127.0.0.1:${port}`] } });
    expect(a.status).toBe(200);
    const b = await h.api('POST', '/api/apps', { folder: project.path, id: 'b', detect: false, settings: { bind: [`127.0.0.1:${port}`] } });
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({ code: 'GANTRY_ERR_PORT_IN_USE', details: { field: 'settings.bind', claimedBy: 'a' } });
    // Two apps added without a bind get different ports.
    const c = await h.api('POST', '/api/apps', { folder: project.path, id: 'c', detect: false });
    const d = await h.api('POST', '/api/apps', { folder: project.path, id: 'd', detect: false });
    expect(c.body.app.definition.settings.bind).not.toEqual(d.body.app.definition.settings.bind);
  });

  it('a port held by another process: the check names the holder and suggests a free port; start refuses', async () => {
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const check = await h.api('POST', '/api/ports/check', { bind: `127.0.0.1:${port}` });
      expect(check.body).toMatchObject({ free: false, holder: { pid: process.pid }, claimedBy: null });
      expect(check.body.suggestion).toBeGreaterThan(port);

      await h.api('POST', '/api/apps', { folder: project.path, detect: false, settings: { bind: [`127.0.0.1:${port}`] } });
      const start = await h.api('POST', '/api/apps/tomlsite/start', {});
      expect(start.status).toBe(409);
      expect(start.body).toMatchObject({ code: 'GANTRY_ERR_PORT_IN_USE', details: { holder: { pid: process.pid } } });
      const events = await h.api('GET', '/api/apps/tomlsite/events');
      expect(events.body.items[0]).toMatchObject({ type: 'port-conflict', bind: `127.0.0.1:${port}`, holder: { pid: process.pid } });
      expect((await h.api('GET', '/api/apps/tomlsite/status')).body).toMatchObject({
        state: 'failed',
        error: { code: 'GANTRY_ERR_PORT_IN_USE' },
      });
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    const free = await h.api('POST', '/api/ports/check', { bind: `127.0.0.1:${port}` });
    expect(free.body).toMatchObject({ free: true, holder: null, claimedBy: 'tomlsite' });
    const own = await h.api('POST', '/api/ports/check', { bind: `127.0.0.1:${port}`, appId: 'tomlsite' });
    expect(own.body).toMatchObject({ free: true, claimedBy: null, suggestion: null });
    expect((await h.api('POST', '/api/ports/check', { bind: 'nonsense:x' })).status).toBe(400);
  });
});

describe('detection through the API', () => {
  it('POST /api/detect finds the venv, ranks candidates and returns the import error verbatim', async () => {
    // Not trusted yet: only read. What checking it would run is listed, and nothing ran.
    const asked = await h.api('POST', '/api/detect', { folder: fixture('venv') });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      interpreter: { source: '.venv' },
      candidates: [{ app: 'wsgi:application' }],
      verification: null,
      trust: { trusted: false },
    });
    expect(asked.body.trust.wouldRun.join('\n')).toMatch(/\.venv\/bin\/python, the folder's own virtualenv interpreter/);
    expect(asked.body.trust.wouldRun.join('\n')).toContain('the top level of wsgi.py');
    expect(asked.body.interpreters.every((c: any) => c.imports === undefined)).toBe(true);

    const ok = await h.api('POST', '/api/detect', { folder: fixture('venv'), trust: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      interpreter: { source: '.venv' },
      candidates: [{ app: 'wsgi:application' }],
      verification: { ok: true },
      trust: { trusted: true, wouldRun: [] },
    });
    // Each interpreter found says whether the app imports with it; Debian's python3 is among them.
    expect(ok.body.interpreters[0]).toMatchObject({ source: '.venv', imports: { ok: true } });
    expect(ok.body.interpreters.some((c: any) => c.path.startsWith('/usr/bin/python3') && c.imports)).toBe(true);
    // Remembered: the next detection of the folder (or a folder inside it) runs without asking.
    expect((await h.api('POST', '/api/detect', { folder: fixture('venv') })).body.trust.trusted).toBe(true);

    // A broken project with its own .venv (Debian's python3, which has Flask): the failure is the app's own.
    await cp(fixture('broken'), join(project.path, 'broken'), { recursive: true });
    await cp(join(fixture('venv'), '.venv'), join(project.path, 'broken', '.venv'), { recursive: true, verbatimSymlinks: true });
    const bad = await h.api('POST', '/api/detect', { folder: join(project.path, 'broken'), trust: true });
    expect(bad.body.verification.ok).toBe(false);
    expect(bad.body.verification.error).toMatch(
      /Traceback \(most recent call last\):[\s\S]*ModuleNotFoundError: No module named 'gantry_fixture_missing_module'$/,
    );

    const notFolder = await h.api('POST', '/api/detect', { folder: join(project.path, 'nope') });
    expect(notFolder.status).toBe(400);
    expect(notFolder.body.details.field).toBe('folder');
    expect((await h.api('POST', '/api/detect', { folder: 42 })).body.details.field).toBe('folder');
  });
});

describe('folders', () => {
  it('lists sub-folders and marks projects', async () => {
    const r = await h.api('GET', `/api/fs?path=${encodeURIComponent(resolve(SERVER_CORE_DIR, 'test/fixtures/detect'))}`);
    expect(r.status).toBe(200);
    expect(r.body.dirs.find((d: any) => d.name === 'django-basic')).toMatchObject({ looksLikeProject: true });
    expect(r.body.parent).toBe(resolve(SERVER_CORE_DIR, 'test/fixtures'));
  });
});
