// Detection on fixture layouts (test/fixtures/detect/): interpreter, ranked entry points with reasons, and the
// import check run with Debian's /usr/bin/python3 (which has Flask and Django).
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProject } from '../../src/host/detect/index.js';
import { procfileCandidates } from '../../src/host/detect/entry-points.js';
import { findInterpreters } from '../../src/host/detect/interpreter.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirPerTest } from '../helpers/tempdir.js';

const fixture = (name: string): string => resolve(SERVER_CORE_DIR, 'test', 'fixtures', 'detect', name);
const tempDir = tempDirPerTest();

describe('entry points', () => {
  it('Django: manage.py -> settings -> WSGI_APPLICATION, verified by importing', async () => {
    const r = await detectProject(fixture('django-basic'), { python: SYSTEM_PYTHON });
    expect(r.framework).toBe('django');
    expect(r.candidates[0]).toMatchObject({
      app: 'mysite.wsgi:application',
      framework: 'django',
      env: { DJANGO_SETTINGS_MODULE: 'mysite.settings' },
    });
    expect(r.candidates[0]!.reason).toContain('WSGI_APPLICATION');
    expect(r.django).toMatchObject({ settingsModule: 'mysite.settings' });
    expect(r.suggested).toMatchObject({ app: 'mysite.wsgi:application', env: { DJANGO_SETTINGS_MODULE: 'mysite.settings' } });
    expect(r.verification).toMatchObject({ ok: true, error: null, python: SYSTEM_PYTHON });
    expect(r.pythonVersion).toMatch(/^3\.\d+/);
  });

  it('Flask: an app object in app.py', async () => {
    const r = await detectProject(fixture('flask-app'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]).toMatchObject({ app: 'app:app', framework: 'flask' });
    expect(r.candidates[0]!.reason).toMatch(/Flask app object "app"/);
    expect(r.verification?.ok).toBe(true);
  });

  it('Flask: a create_app() factory', async () => {
    const r = await detectProject(fixture('flask-factory'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]).toMatchObject({ app: 'app:create_app()', framework: 'flask' });
    expect(r.verification?.ok).toBe(true);
  });

  it('Procfile: web: gunicorn OPTIONS MODULE:CALLABLE', async () => {
    const r = await detectProject(fixture('procfile'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]).toMatchObject({ app: 'service.main:api', framework: 'procfile' });
    expect(r.verification?.ok).toBe(true);
  });

  it('Procfile: gunicorn --chdir moves the project root, for the import check and the settings', async () => {
    const r = await detectProject(fixture('procfile-chdir'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]).toMatchObject({ app: 'api:app', framework: 'procfile', settings: { chdir: 'src' } });
    expect(r.suggested).toMatchObject({ app: 'api:app', chdir: 'src' });
    expect(r.verification?.ok).toBe(true);
  });

  it('Flask: FLASK_APP in .flaskenv names the module; the app object inside it ranks first', async () => {
    const r = await detectProject(fixture('flaskenv'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]).toMatchObject({ app: 'portal:server', framework: 'flask' });
    expect(r.candidates[0]!.reason).toMatch(/^\.flaskenv sets FLASK_APP=portal; portal\.py creates a Flask app object "server"/);
    expect(r.verification?.ok).toBe(true);
  });

  it('Procfile: uwsgi --module', () => {
    expect(procfileCandidates('web: uwsgi --http :8000 --module shop.wsgi:application\nworker: celery -A x')).toEqual([
      expect.objectContaining({ app: 'shop.wsgi:application', framework: 'procfile' }),
    ]);
    expect(procfileCandidates('web: gunicorn mysite.wsgi')[0]!.app).toBe('mysite.wsgi:application');
  });

  it('pyproject [tool.gantry] ranks first and its settings and profiles are read', async () => {
    const r = await detectProject(fixture('pyproject'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]).toMatchObject({ app: 'site_app:application', framework: 'pyproject' });
    expect(r.pyproject).toMatchObject({
      settings: { app: 'site_app:application', workers: 2, maxRequests: 500, env: { GREETING: 'from pyproject' } },
      profiles: { staging: { workers: 3 } },
      errors: [],
    });
    expect(r.verification?.ok).toBe(true);
  });

  it('reports the import error verbatim when the best candidate does not import', async () => {
    const r = await detectProject(fixture('broken'), { python: SYSTEM_PYTHON });
    expect(r.candidates[0]!.app).toBe('app:app');
    expect(r.verification?.ok).toBe(false);
    expect(r.verification?.error).toContain('Traceback (most recent call last)');
    expect(r.verification?.error).toContain("ModuleNotFoundError: No module named 'gantry_fixture_missing_module'");
  });

  it('refuses a path that is not a folder', async () => {
    await expect(detectProject(join(fixture('flask-app'), 'app.py'))).rejects.toMatchObject({
      code: 'GANTRY_ERR_INVALID_CONFIG',
      details: { field: 'folder' },
    });
  });
});

describe('interpreter', () => {
  it('finds the project .venv and uses it to verify', async () => {
    const r = await detectProject(fixture('venv'));
    expect(r.interpreter).toMatchObject({ source: '.venv', path: join(fixture('venv'), '.venv', 'bin', 'python'), exists: true });
    expect(r.suggested.python).toBe(join(fixture('venv'), '.venv', 'bin', 'python'));
    expect(r.candidates[0]!.app).toBe('wsgi:application');
    expect(r.verification?.ok).toBe(true);
  });

  it('names Poetry and uv in-project layouts, a pyvenv.cfg folder, $VIRTUAL_ENV, then python3 on PATH', async () => {
    const t = await tempDir();
    await cp(fixture('venv'), join(t.path, 'poetry'), { recursive: true, verbatimSymlinks: true });
    await writeFile(join(t.path, 'poetry', 'poetry.lock'), '');
    await cp(fixture('venv'), join(t.path, 'uvproj'), { recursive: true, verbatimSymlinks: true });
    await writeFile(join(t.path, 'uvproj', 'uv.lock'), '');
    await cp(join(fixture('venv'), '.venv'), join(t.path, 'custom', 'pyenv-here'), { recursive: true, verbatimSymlinks: true });

    expect((await findInterpreters(join(t.path, 'poetry'), { PATH: '' }))[0]).toMatchObject({ source: 'poetry' });
    expect((await findInterpreters(join(t.path, 'uvproj'), { PATH: '' }))[0]).toMatchObject({ source: 'uv' });
    const custom = await findInterpreters(join(t.path, 'custom'), { PATH: '/usr/bin', VIRTUAL_ENV: join(t.path, 'poetry', '.venv') });
    expect(own(custom).map((c) => c.source)).toEqual(['pyvenv.cfg', 'VIRTUAL_ENV', 'system']);
    expect(custom[0]!.reason).toContain('pyenv-here/pyvenv.cfg');
  });

  it("finds Poetry's virtualenv in its cache (the name Poetry itself computes) and Pipenv's by its .project file", async () => {
    const t = await tempDir();
    const project = join(t.path, 'My Site');
    await mkdir(project);
    await writeFile(
      join(project, 'pyproject.toml'),
      '[build-system]\nrequires = []\n\n[tool.poetry]\nname = "My-Site"\nversion = "0.1.0"\n',
    );
    await writeFile(join(project, 'poetry.lock'), '');
    // Poetry's EnvManager.generate_env_name, run by Python: an independent check of the TypeScript recipe.
    const envName = execFileSync(
      'python3',
      [
        '-c',
        [
          'import base64, hashlib, os, re, sys',
          'name = re.sub(r\'[ $`!*@"\\\\\\r\\n\\t]\', "_", sys.argv[1].lower())[:42]',
          'cwd = os.path.normcase(os.path.realpath(sys.argv[2]))',
          'print(name + "-" + base64.urlsafe_b64encode(hashlib.sha256(cwd.encode()).digest()).decode()[:8])',
        ].join('\n'),
        'My-Site',
        project,
      ],
      { encoding: 'utf8' },
    ).trim();
    // The default place on Linux: $XDG_CACHE_HOME/pypoetry/virtualenvs, else ~/.cache/pypoetry/virtualenvs.
    const cache = join(t.path, 'home', '.cache', 'pypoetry', 'virtualenvs');
    for (const name of [`${envName}-py3.9`, `${envName}-py3.11`, 'my-site-AAAAAAAA-py3.11']) {
      await mkdir(join(cache, name, 'bin'), { recursive: true });
      await symlink('/usr/bin/python3', join(cache, name, 'bin', 'python'));
    }
    const poetry = await findInterpreters(project, { PATH: '', HOME: join(t.path, 'home') });
    expect(own(poetry).map((c) => [c.source, c.path])).toEqual([
      ['poetry', join(cache, `${envName}-py3.11`, 'bin', 'python')],
      ['poetry', join(cache, `${envName}-py3.9`, 'bin', 'python')],
    ]);
    expect(poetry[0]!.reason).toBe("Poetry's virtualenv for this project, in Poetry's cache");
    const moved = join(t.path, 'poetry-cache');
    await cp(cache, moved, { recursive: true, verbatimSymlinks: true });
    expect((await findInterpreters(project, { PATH: '', HOME: '/nonexistent', POETRY_VIRTUALENVS_PATH: moved }))[0]!.path).toBe(
      join(moved, `${envName}-py3.11`, 'bin', 'python'),
    );

    // Pipenv: <folder name, sanitised>-<hash>, and the project's path in .project; a namesake elsewhere is not it.
    const pipProject = join(t.path, 'shop');
    await mkdir(pipProject);
    await writeFile(join(pipProject, 'Pipfile'), '[packages]\nflask = "*"\n');
    const workon = join(t.path, 'workon');
    for (const [name, owner] of [
      ['shop-Xk2p9QaB', pipProject],
      ['shop-Zz00Zz00', join(t.path, 'other', 'shop')],
    ] as const) {
      await mkdir(join(workon, name, 'bin'), { recursive: true });
      await symlink('/usr/bin/python3', join(workon, name, 'bin', 'python'));
      await writeFile(join(workon, name, '.project'), owner);
    }
    const pipenv = await findInterpreters(pipProject, { PATH: '/usr/bin', WORKON_HOME: workon });
    expect(own(pipenv).map((c) => [c.source, c.path])).toEqual([
      ['pipenv', join(workon, 'shop-Xk2p9QaB', 'bin', 'python')],
      ['system', '/usr/bin/python3'],
    ]);
    // An app's effective interpreter is the first that exists and is not the system one.
    expect((await detectProject(pipProject, { env: { PATH: '/usr/bin', WORKON_HOME: workon } })).interpreter?.source).toBe('pipenv');
  });
});

/** The project's own interpreters and python3 on PATH, without the machine's other Pythons listed after them. */
function own<T extends { source: string; reason: string }>(list: readonly T[]): T[] {
  return list.filter((c) => c.source !== 'pyenv' && !c.reason.startsWith('system Python in'));
}

describe("the machine's other Pythons", () => {
  it("lists pyenv versions and the system Pythons after the project's own, one entry per real file", async () => {
    const t = await tempDir();
    const root = join(t.path, 'pyenv');
    for (const v of ['3.9.18', '3.12.1']) {
      await mkdir(join(root, 'versions', v, 'bin'), { recursive: true });
      await symlink('/usr/bin/python3', join(root, 'versions', v, 'bin', 'python'));
    }
    const list = await findInterpreters(t.path, { PATH: '', PYENV_ROOT: root });
    expect(list.filter((c) => c.source === 'pyenv').map((c) => [c.path, c.reason])).toEqual([
      [join(root, 'versions', '3.12.1', 'bin', 'python'), 'pyenv version 3.12.1'],
      [join(root, 'versions', '3.9.18', 'bin', 'python'), 'pyenv version 3.9.18'],
    ]);
    const system = list.filter((c) => c.reason.startsWith('system Python in'));
    expect(system.map((c) => c.path)).toContain('/usr/bin/python3');
    const reals = system.map((c) => realpathSync(c.path));
    expect(new Set(reals).size).toBe(reals.length);
  });
});
