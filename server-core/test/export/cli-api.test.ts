// `gantry export` as a user runs it (the built CLI), on a project folder and on an app id of a running Host,
// and POST /api/apps/:id/export: the route the Export panel uses, with the worker memory Gantry measured.
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExportResult } from '../../src/control/contract.js';
import { writeRuntimeFile } from '../../src/host/runtime-file.js';
import { harnessScope } from '../control/api-client.js';
import { assertGantryBuilt, GANTRY_BIN, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { requirePythonModule } from '../helpers/tools.js';
import { copyProject, FLASK_FACTORY } from './fixtures.js';
import { DEMO_APP } from '../helpers/paths.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');

function gantry(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [GANTRY_BIN, 'export', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('gantry export on a folder', () => {
  const tmp = tempDirScope('gantry-export-cli-', 'file');
  beforeAll(() => assertGantryBuilt());

  it('writes every target into -o DIR, the same bytes each time, env files 0600', async () => {
    for (const target of ['systemd', 'nginx', 'compose', 'kubernetes', 'dockerfile']) {
      const a = await gantry(FLASK_FACTORY, '--to', target, '-o', join(tmp.path, `${target}-a`));
      expect(a.code, a.stderr).toBe(0);
      const b = await gantry(FLASK_FACTORY, '--to', target, '-o', join(tmp.path, `${target}-b`));
      const files = await readdir(join(tmp.path, `${target}-a`), { recursive: true });
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        if ((await stat(join(tmp.path, `${target}-a`, f))).isDirectory()) continue;
        expect(await readFile(join(tmp.path, `${target}-b`, f), 'utf8'), f).toBe(await readFile(join(tmp.path, `${target}-a`, f), 'utf8'));
        if (f.endsWith('.env') || f.endsWith('secret.yaml'))
          expect((await stat(join(tmp.path, `${target}-a`, f))).mode & 0o777).toBe(0o600);
      }
      expect(b.code).toBe(0);
    }
  });

  it('prints to stdout without -o; --server gunicorn notes what it drops', async () => {
    const r = await gantry(FLASK_FACTORY, '--to', 'systemd', '--server', 'gunicorn');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/==> flaskfactory\.service <==/);
    expect(r.stderr).toMatch(/note: gunicorn has no equivalent of Gantry's --static/);
  });

  it('exports the demo app', async () => {
    const r = await gantry(DEMO_APP, '--to', 'systemd', '--profile', 'staging');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ExecStart=\/usr\/local\/bin\/gantry serve .* hello:application$/m);
  });

  it('refuses bad input with a clear message and exit 2, an unknown profile with its error code', async () => {
    const noTarget = await gantry(FLASK_FACTORY);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--to is required/);
    const bad = await gantry(FLASK_FACTORY, '--to', 'heroku');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to: /);
    const replicas = await gantry(FLASK_FACTORY, '--to', 'kubernetes', '--replicas', 'zero');
    expect(replicas.code).toBe(2);
    expect(replicas.stderr).toMatch(/--replicas: /);
    const profile = await gantry(FLASK_FACTORY, '--to', 'systemd', '--profile', 'nosuch');
    expect(profile.code).toBe(1);
    expect(profile.stderr).toMatch(/GANTRY_ERR_INVALID_CONFIG: profile/);
  });
});

describe.skipIf(!flask.path)('POST /api/apps/:id/export and gantry export ID', () => {
  const tmp = tempDirScope('gantry-export-api-', 'file');
  const h = harnessScope();
  let id: string;
  beforeAll(async () => {
    assertGantryBuilt();
    const folder = await copyProject(FLASK_FACTORY, tmp.path, '');
    const added = await h.api('POST', '/api/apps', { folder, settings: { python: SYSTEM_PYTHON }, detect: false });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    id = added.body.app.definition.id;
  });

  it('previews every file; a running app sizes the pods from its measured worker memory', async () => {
    const before = await h.api<ExportResult>('POST', `/api/apps/${id}/export`, { target: 'kubernetes' });
    expect(before.status).toBe(200);
    expect(before.body.files.find((f) => f.path === 'kubernetes/deployment.yaml')!.content).toMatch(/assumed: 128 MiB per worker/);
    expect((await h.api('POST', `/api/apps/${id}/start`, { profile: 'staging' })).status).toBe(200);
    // The supervisor samples worker memory on its own clock: wait for the state that says it has.
    await vi.waitFor(() => expect(h.host.workers(id).some((w) => w.rssBytes !== null)).toBe(true), { timeout: 15_000, interval: 200 });
    const after = await h.api<ExportResult>('POST', `/api/apps/${id}/export`, { target: 'kubernetes', profile: 'staging' });
    expect(after.body.files.find((f) => f.path === 'kubernetes/deployment.yaml')!.content).toMatch(/measured: \d+ MiB per worker/);
    expect(after.body.writtenTo).toBeNull();
    // Secrets are masked in the API and placeholders in the files, also when the Host holds the real value.
    expect(JSON.stringify(after.body)).not.toContain('dev-only-secret');
  });

  it("writes into the project's deploy/TARGET/ when asked", async () => {
    const r = await h.api<ExportResult>('POST', `/api/apps/${id}/export`, { target: 'systemd', write: true });
    expect(r.status).toBe(200);
    expect(r.body.writtenTo).toBe(join(tmp.path, 'project', 'deploy', 'systemd'));
    expect(await readFile(join(r.body.writtenTo!, `${id}.service`), 'utf8')).toBe(r.body.files[0]!.content);
  });

  it('gives 400 naming the field for a bad body', async () => {
    const r = await h.api('POST', `/api/apps/${id}/export`, { target: 'heroku' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('GANTRY_ERR_INVALID_CONFIG');
    expect(r.body.details.field).toBe('target');
  });

  it('gantry export ID asks the running Host', async () => {
    await writeRuntimeFile(h.home.path, {
      url: h.server.url,
      port: h.server.port,
      token: h.server.token,
      pid: process.pid,
      startedAt: Date.now(),
    });
    const r = await gantry(id, '--to', 'nginx', '--home', h.home.path, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ExportResult;
    expect(result.appId).toBe(id);
    expect(result.files[0]!.content).toMatch(/location \^~ \/static\//);
  });
});
