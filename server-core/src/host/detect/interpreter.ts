// Finds a project's Python: its own virtualenv (.venv — also Poetry's and uv's in-project layout —, venv, env,
// any folder with a pyvenv.cfg), then the virtualenv Poetry or Pipenv keeps for it outside the project, then
// $VIRTUAL_ENV, then python3 on PATH. Ranked, with the reason for each.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { InterpreterCandidate, InterpreterSource } from '../../control/contract.js';
import { isPoetryProject, outsideVirtualenvs } from '../../supervisor/project-virtualenvs.js';

const isWin = process.platform === 'win32';
export function venvPython(dir: string): string {
  return isWin ? path.join(dir, 'Scripts', 'python.exe') : path.join(dir, 'bin', 'python');
}

function which(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, isWin ? `${name}.exe` : name);
    if (existsSync(p)) return p;
  }
  return null;
}

export async function findInterpreters(folder: string, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterCandidate[]> {
  const out: InterpreterCandidate[] = [];
  const add = (dir: string, source: InterpreterSource, reason: string): void => {
    const p = venvPython(dir);
    if (out.some((c) => c.path === p)) return;
    out.push({ path: p, source, reason, exists: existsSync(p) });
  };
  const has = (f: string): boolean => existsSync(path.join(folder, f));
  const pyproject = await fs.readFile(path.join(folder, 'pyproject.toml'), 'utf8').catch(() => '');

  if (has('.venv')) {
    if (isPoetryProject(folder, pyproject)) add(path.join(folder, '.venv'), 'poetry', 'Poetry in-project virtualenv (.venv beside poetry.lock)');
    else if (has('uv.lock') || /^\[tool\.uv\]/m.test(pyproject)) add(path.join(folder, '.venv'), 'uv', 'uv project virtualenv (.venv beside uv.lock)');
    else add(path.join(folder, '.venv'), '.venv', 'virtualenv in .venv/');
  }
  if (has('venv')) add(path.join(folder, 'venv'), 'venv', 'virtualenv in venv/');
  if (has('env') && has(path.join('env', 'pyvenv.cfg'))) add(path.join(folder, 'env'), 'env', 'virtualenv in env/');
  // Any other sub-folder that is a virtualenv says so with a pyvenv.cfg.
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory() && existsSync(path.join(folder, e.name, 'pyvenv.cfg'))) add(path.join(folder, e.name), 'pyvenv.cfg', `${e.name}/pyvenv.cfg marks a virtualenv`);
  }
  for (const { dir, tool } of outsideVirtualenvs(folder, pyproject, env)) {
    add(dir, tool, tool === 'poetry' ? "Poetry's virtualenv for this project, in Poetry's cache" : "Pipenv's virtualenv for this project, in its $WORKON_HOME");
  }
  if (env.VIRTUAL_ENV) add(env.VIRTUAL_ENV, 'VIRTUAL_ENV', '$VIRTUAL_ENV is set (an activated virtualenv)');
  const sys = which('python3', env.PATH) ?? which('python', env.PATH);
  if (sys && !out.some((c) => c.path === sys)) out.push({ path: sys, source: 'system', reason: 'python3 on PATH', exists: true });
  // Broken venvs (no interpreter inside) stay listed, so the UI can say why, but rank last.
  return [...out.filter((c) => c.exists), ...out.filter((c) => !c.exists)];
}

