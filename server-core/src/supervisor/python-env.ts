// Finds the Python interpreter for an app: --python, else the project's virtualenv (.venv/, venv/, the one
// Poetry or Pipenv keeps for it elsewhere, $VIRTUAL_ENV), else python3 on PATH. Fails with GANTRY_ERR_PYTHON_NOT_FOUND, never with a spawn ENOENT.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { GantryError } from '../errors.js';
import { outsideVirtualenvs } from './project-virtualenvs.js';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export interface PythonChoice {
  readonly path: string;
  /** Where it came from, for the startup log line. */
  readonly source: 'setting' | '.venv' | 'venv' | 'poetry' | 'pipenv' | 'VIRTUAL_ENV' | 'PATH';
}

/** `python` is the setting ('' = find one); `projectDir` is the app's chdir, absolute. */
export function findPython(python: string, projectDir: string, env: NodeJS.ProcessEnv = process.env): PythonChoice {
  if (python !== '') {
    const explicit = python.includes('/') ? resolve(projectDir, python) : onPath(python, env);
    if (explicit !== null && isExecutableFile(explicit)) return { path: explicit, source: 'setting' };
    throw new GantryError('GANTRY_ERR_PYTHON_NOT_FOUND', `Python interpreter not found or not executable: ${python}`, { python });
  }
  for (const dir of ['.venv', 'venv'] as const) {
    const candidate = join(projectDir, dir, 'bin', 'python');
    if (isExecutableFile(candidate)) return { path: candidate, source: dir };
  }
  const outside = projectVirtualenv(projectDir, env);
  if (outside !== null) return outside;
  const venv = env.VIRTUAL_ENV;
  if (venv && isAbsolute(venv)) {
    const candidate = join(venv, 'bin', 'python');
    if (isExecutableFile(candidate)) return { path: candidate, source: 'VIRTUAL_ENV' };
  }
  const fallback = onPath('python3', env);
  if (fallback !== null) return { path: fallback, source: 'PATH' };
  throw new GantryError('GANTRY_ERR_PYTHON_NOT_FOUND', 'No Python interpreter found: no .venv/, venv/, Poetry or Pipenv virtualenv or $VIRTUAL_ENV for the project and no python3 on PATH; pass --python PATH', {});
}

/** Poetry's or Pipenv's virtualenv for the project, kept outside it. */
function projectVirtualenv(projectDir: string, env: NodeJS.ProcessEnv): PythonChoice | null {
  let pyproject = '';
  try {
    pyproject = readFileSync(join(projectDir, 'pyproject.toml'), 'utf8');
  } catch {
    // no pyproject.toml
  }
  for (const { dir, tool } of outsideVirtualenvs(projectDir, pyproject, env)) {
    const candidate = join(dir, 'bin', 'python');
    if (isExecutableFile(candidate)) return { path: candidate, source: tool };
  }
  return null;
}
