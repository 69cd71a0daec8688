// Which interpreter an app gets: --python, then the project's virtualenvs in detection's order (.venv/, venv/,
// env/, pyvenv.cfg folders, Poetry's or Pipenv's elsewhere, $VIRTUAL_ENV), then python3 on PATH; a clear
// error code otherwise.
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../src/errors.js';
import { findPython } from '../../src/supervisor/python-env.js';
import { tempDirScope } from '../helpers/tempdir.js';

const tmp = tempDirScope();

function fakePython(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const p = join(dir, 'bin', 'python');
  writeFileSync(p, '#!/bin/sh\n');
  chmodSync(p, 0o755);
  return p;
}

describe('findPython', () => {
  it('prefers --python, then .venv, then venv, then $VIRTUAL_ENV, then PATH', () => {
    const project = tmp.path;
    const venv = fakePython(join(project, 'venv'));
    const env = { PATH: '/usr/bin:/bin' };
    const outside = fakePython(join(tmp.path, 'elsewhere'));
    expect(findPython('', project, env)).toEqual({ path: venv, source: 'venv' });
    const dotvenv = fakePython(join(project, '.venv'));
    expect(findPython('', project, env)).toEqual({ path: dotvenv, source: '.venv' });
    expect(findPython(outside, project, env)).toEqual({ path: outside, source: 'setting' });
    const bare = join(tmp.path, 'bare');
    mkdirSync(bare);
    expect(findPython('', bare, { ...env, VIRTUAL_ENV: join(tmp.path, 'elsewhere') })).toEqual({ path: outside, source: 'VIRTUAL_ENV' });
    expect(findPython('', bare, { PATH: '/nonexistent:/usr/bin' })).toEqual({ path: '/usr/bin/python3', source: 'PATH' });
  });

  it('takes env/ and any folder with a pyvenv.cfg, as detection ranks them; a folder without an interpreter is passed over', () => {
    const project = join(tmp.path, 'p');
    const env = { PATH: '/usr/bin' };
    const named = fakePython(join(project, 'py311'));
    writeFileSync(join(project, 'py311', 'pyvenv.cfg'), 'home = /usr/bin\n');
    expect(findPython('', project, env)).toEqual({ path: named, source: 'pyvenv.cfg' });
    const envDir = fakePython(join(project, 'env'));
    writeFileSync(join(project, 'env', 'pyvenv.cfg'), 'home = /usr/bin\n');
    expect(findPython('', project, env)).toEqual({ path: envDir, source: 'env' });
    mkdirSync(join(project, '.venv'));
    expect(findPython('', project, env)).toEqual({ path: envDir, source: 'env' });
  });

  it("finds Poetry's virtualenv in its cache and Pipenv's in $WORKON_HOME, before $VIRTUAL_ENV", () => {
    const project = join(tmp.path, 'proj');
    mkdirSync(project);
    writeFileSync(join(project, 'pyproject.toml'), '[tool.poetry]\nname = "Proj"\n');
    const hash = createHash('sha256').update(realpathSync(project)).digest('base64url').slice(0, 8);
    const cache = join(tmp.path, 'poetry');
    const poetry = fakePython(join(cache, `proj-${hash}-py3.11`));
    const activated = fakePython(join(tmp.path, 'activated'));
    const env = { PATH: '/usr/bin', POETRY_VIRTUALENVS_PATH: cache, VIRTUAL_ENV: join(tmp.path, 'activated') };
    expect(findPython('', project, env)).toEqual({ path: poetry, source: 'poetry' });
    // Not a Poetry project (no [tool.poetry], no poetry.lock): its cache is not looked at.
    writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "proj"\n');
    expect(findPython('', project, env)).toEqual({ path: activated, source: 'VIRTUAL_ENV' });

    writeFileSync(join(project, 'Pipfile'), '');
    const workon = join(tmp.path, 'workon');
    const pipenv = fakePython(join(workon, 'proj-abcdEFGH'));
    writeFileSync(join(workon, 'proj-abcdEFGH', '.project'), project);
    expect(findPython('', project, { ...env, WORKON_HOME: workon })).toEqual({ path: pipenv, source: 'pipenv' });
  });

  it('fails with GANTRY_ERR_PYTHON_NOT_FOUND for a missing interpreter or an empty PATH', () => {
    let error: unknown;
    try {
      findPython('/nope/python', tmp.path, {});
    } catch (e) {
      error = e;
    }
    expect(isGantryError(error, 'GANTRY_ERR_PYTHON_NOT_FOUND')).toBe(true);
    expect(() => findPython('', tmp.path, { PATH: '' })).toThrow(/No Python interpreter found/);
  });
});
