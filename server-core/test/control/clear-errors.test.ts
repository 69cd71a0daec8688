// Clear errors from a real `gantry ui`: a bug is answered 500 GANTRY_ERR_INTERNAL with its stack and logged with
// it; an app that cannot be imported is the user's to fix (422, not 500); keys like `__proto__` are refused naming
// the field; a missing chdir folder is named; a port check says why a bind is impossible.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GANTRY_BIN } from '../helpers/paths.js';
import type { Ui } from '../helpers/gantry-ui.js';
import type { TempDir } from '../helpers/tempdir.js';
import { uiScope } from '../helpers/ui-scope.js';

const s = uiScope('file');
let work: TempDir;
let ui: Ui;
beforeAll(async () => {
  const home = await s.tempDir('gantry-errors-');
  work = await s.tempDir('gantry-errors-work-');
  ui = await s.startUi(home.path, { ...process.env, GANTRY_FIRST_PORT: String(21600 + Math.floor(Math.random() * 300)) });
});

async function addApp(id: string, entry: string): Promise<string> {
  const folder = join(work.path, id);
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, 'ok.py'),
    'def application(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n',
  );
  const r = await ui.api('POST', '/api/apps', { folder, id, settings: { app: entry, python: '/usr/bin/python3' }, detect: false });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return folder;
}

describe('clear errors', () => {
  it('a bug is 500 GANTRY_ERR_INTERNAL with its stack, and the stack is logged', async () => {
    const folder = await addApp('buggy', 'ok:application');
    await mkdir(join(folder, 'pyproject.toml')); // a folder where a file must be: an unexpected EISDIR
    const r = await ui.api('POST', '/api/apps/buggy/save-to-project', {});
    expect(r.status).toBe(500);
    expect(r.body.code).toBe('GANTRY_ERR_INTERNAL');
    expect(r.body.stack).toMatch(/\n\s+at /);
    expect(ui.output()).toMatch(/internal error in POST \/api\/apps\/buggy\/save-to-project: .*EISDIR[\s\S]*\n\s+at /);
  });

  it('an app that cannot be imported answers 422 GANTRY_ERR_APP_IMPORT, not 500', async () => {
    await addApp('noimport', 'gantry_no_such_module:application');
    const r = await ui.api('POST', '/api/apps/noimport/start', {});
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.code).toBe('GANTRY_ERR_APP_IMPORT');
  });

  it('refuses __proto__ (and its kin) as an env key or a profile name, naming the field', async () => {
    await addApp('proto', 'ok:application');
    const env = await ui.api('PATCH', '/api/apps/proto', '{"settings": {"env": {"__proto__": "x"}}}');
    expect(env.status, JSON.stringify(env.body)).toBe(400);
    expect(env.body).toMatchObject({ code: 'GANTRY_ERR_INVALID_CONFIG', details: { field: 'settings.env.__proto__' } });
    const profile = await ui.api('PATCH', '/api/apps/proto', '{"profiles": {"__proto__": {"workers": 2}}}');
    expect(profile.status, JSON.stringify(profile.body)).toBe(400);
    expect(profile.body.details.field).toBe('profiles.__proto__');
    const ctor = await ui.api('PATCH', '/api/apps/proto', '{"profiles": {"staging": {"env": {"constructor": "x"}}}}');
    expect(ctor.status).toBe(400);
    expect(ctor.body.details.field).toBe('profiles.staging.env.constructor');
    // Nothing of it was saved.
    expect((await ui.api('GET', '/api/apps/proto')).body.definition.profiles).not.toHaveProperty('__proto__');
  });

  it('a missing chdir folder is named', async () => {
    await addApp('nochdir', 'ok:application');
    const settings = (await ui.api('GET', '/api/apps/nochdir')).body.definition.settings;
    const patched = await ui.api('PATCH', '/api/apps/nochdir', { settings: { ...settings, chdir: '/nonexistent-gantry-folder' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const r = await ui.api('POST', '/api/apps/nochdir/start', {});
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body).toMatchObject({ code: 'GANTRY_ERR_INVALID_CONFIG', details: { field: 'chdir' } });
    expect(r.body.message).toContain('/nonexistent-gantry-folder');
  });

  it('a port check says why a bind is impossible, at once', async () => {
    const notLocal = await ui.api('POST', '/api/ports/check', { bind: '192.0.2.1:8000' });
    expect(notLocal.status).toBe(200);
    expect(notLocal.body.free).toBe(false);
    expect(notLocal.body.reason).toMatch(/not an address of this machine/);
    const started = Date.now();
    const unresolvable = await ui.api('POST', '/api/ports/check', { bind: 'no-such-host.invalid:8000' });
    expect(unresolvable.body.free).toBe(false);
    expect(unresolvable.body.reason).toMatch(/cannot be resolved/);
    expect(Date.now() - started).toBeLessThan(10_000); // never the resolver's 35 s
    const file = join(work.path, 'a-file');
    await writeFile(file, 'x');
    const unix = await ui.api('POST', '/api/ports/check', { bind: `unix:${file}` });
    expect(unix.body.free).toBe(false);
    expect(unix.body.reason).toMatch(/is a file, not a socket/);
  });
});

describe('gantry serve', () => {
  it('names a missing --chdir folder and exits 1 before starting anything, as gunicorn does', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [GANTRY_BIN, 'serve', '--chdir', '/nonexistent-gantry-folder', '-b', '127.0.0.1:0', 'hello:application'],
        { timeout: 30_000 },
        (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gantry: error: --chdir: /nonexistent-gantry-folder does not exist');
    expect(r.stderr).not.toContain('Booting worker');
  });
});
