// A staging launch of a fresh `django-admin startproject` says what is true of it: check --deploy's warnings are
// shown (passed with warnings), DEBUG is still on and SECRET_KEY is the startproject default (warnings, in words a
// Django developer acts on), and with DEBUG off but ALLOWED_HOSTS empty the launch stops before starting anything.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/nginx.js';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { startHarness, type Harness } from './api-client.js';

describe('staging launch of a startproject Django site', () => {
  let h: Harness;
  let work: TempDir;
  let folder: string;
  beforeAll(async () => {
    work = await makeTempDir();
    folder = join(work.path, 'site');
    mkdirSync(folder);
    execFileSync(SYSTEM_PYTHON, ['-m', 'django', 'startproject', 'mysite', folder]);
    h = await startHarness({});
    const add = await h.api('POST', '/api/apps', {
      folder,
      id: 'site',
      settings: { python: SYSTEM_PYTHON, bind: [`127.0.0.1:${await freePort()}`] },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
  });
  afterAll(async () => {
    await h.api('POST', '/api/apps/site/stop', {});
    await h.close();
    await work.remove();
  });

  it('passes with warnings: check --deploy output, DEBUG still on, the startproject SECRET_KEY; collectstatic runs', async () => {
    const r = await h.api('POST', '/api/apps/site/launch', { profile: 'staging' });
    const steps = Object.fromEntries(r.body.steps.map((s: any) => [s.step, s]));
    expect(r.body.state, JSON.stringify(r.body.steps)).toBe('ok');
    expect(steps['django-check'].status).toBe('warning');
    expect(steps['django-check'].output).toContain('security.W018');
    expect(steps['django-settings'].status).toBe('warning');
    expect(steps['django-settings'].output).toMatch(
      /DEBUG is on\. The staging profile sets DJANGO_DEBUG=False, but .*settings\.py sets DEBUG = True and never reads DJANGO_DEBUG/,
    );
    expect(steps['django-settings'].output).toContain('SECRET_KEY is the one startproject wrote');
    expect(steps['django-settings'].output).toContain('only because DEBUG is on');
    expect(steps.collectstatic.status).toBe('ok');
    const css = await fetch(new URL('/static/admin/css/base.css', r.body.url));
    expect(css.status).toBe(200);
    await h.api('POST', '/api/apps/site/stop', {});
  });

  it('with DEBUG off and ALLOWED_HOSTS empty, stops before starting: Django would answer 400 to every request', async () => {
    const settingsPy = join(folder, 'mysite', 'settings.py');
    writeFileSync(
      settingsPy,
      readFileSync(settingsPy, 'utf8').replace('DEBUG = True', 'import os\nDEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"'),
    );
    const r = await h.api('POST', '/api/apps/site/launch', { profile: 'staging' });
    expect(r.body).toMatchObject({ state: 'failed', failedStep: 'django-settings', error: { code: 'GANTRY_ERR_PREFLIGHT' } });
    const out = r.body.steps.find((s: any) => s.step === 'django-settings').output;
    expect(out).toContain('✓ DEBUG is off.');
    expect(out).toContain('ALLOWED_HOSTS = [] does not include 127.0.0.1, so Django answers every request');
    expect(r.body.steps.map((s: any) => s.step)).not.toContain('start');
    expect((await h.api('GET', '/api/apps/site/status')).body.state).toBe('stopped');
  });
});
