// Which interpreter an app gets: --python, then the project's .venv/ or venv/, then $VIRTUAL_ENV, then
// python3 on PATH; a clear error code otherwise.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGantryError } from '../../src/errors.js';
import { findPython } from '../../src/supervisor/python-env.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.remove();
});

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
