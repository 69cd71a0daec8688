// Finds the Python interpreter for an app: --python, else the first of the project's virtualenvs with an
// interpreter inside (project-virtualenvs.ts: .venv/, venv/, env/, pyvenv.cfg folders, Poetry's or Pipenv's
// elsewhere, $VIRTUAL_ENV), else python3 on PATH. Fails with GANTRY_ERR_PYTHON_NOT_FOUND, never with a spawn ENOENT.
import { resolve } from 'node:path';
import { GantryError } from '../errors.js';
import { findOnPath, isExecutableFile } from '../which.js';
import { projectVirtualenvs, venvPython, type VirtualenvSource } from './project-virtualenvs.js';

export interface PythonChoice {
  readonly path: string;
  /** Where it came from, for the startup log line. */
  readonly source: 'setting' | VirtualenvSource | 'PATH';
}

/** `python` is the setting ('' = find one); `projectDir` is the app's chdir, absolute. */
export function findPython(python: string, projectDir: string, env: NodeJS.ProcessEnv = process.env): PythonChoice {
  if (python !== '') {
    const explicit = python.includes('/') ? resolve(projectDir, python) : findOnPath(python, env);
    if (explicit !== null && isExecutableFile(explicit)) return { path: explicit, source: 'setting' };
    throw new GantryError('GANTRY_ERR_PYTHON_NOT_FOUND', `Python interpreter not found or not executable: ${python}`, { python });
  }
  for (const v of projectVirtualenvs(projectDir, env)) {
    const candidate = venvPython(v.dir);
    if (isExecutableFile(candidate)) return { path: candidate, source: v.source };
  }
  const fallback = findOnPath('python3', env);
  if (fallback !== null) return { path: fallback, source: 'PATH' };
  throw new GantryError(
    'GANTRY_ERR_PYTHON_NOT_FOUND',
    "No Python interpreter found: no virtualenv for the project (.venv/, venv/, Poetry's, Pipenv's, $VIRTUAL_ENV) and no python3 on PATH; pass --python PATH",
    {},
  );
}
