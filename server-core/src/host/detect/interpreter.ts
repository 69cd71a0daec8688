// Finds a project's Python: its own virtualenv (.venv — also Poetry's and uv's in-project layout —, venv, env,
// any folder with a pyvenv.cfg), then the virtualenv Poetry or Pipenv keeps for it outside the project, then
// $VIRTUAL_ENV, then python3 on PATH. Ranked, with the reason for each.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InterpreterCandidate } from '../../control/contract.js';
import { projectVirtualenvs, venvPython } from '../../supervisor/project-virtualenvs.js';

const isWin = process.platform === 'win32';

function which(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, isWin ? `${name}.exe` : name);
    if (existsSync(p)) return p;
  }
  return null;
}

export async function findInterpreters(folder: string, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterCandidate[]> {
  const out: InterpreterCandidate[] = [];
  for (const v of projectVirtualenvs(folder, env)) {
    const p = venvPython(v.dir);
    if (!out.some((c) => c.path === p)) out.push({ path: p, source: v.source, reason: v.reason, exists: existsSync(p) });
  }
  const sys = which('python3', env.PATH) ?? which('python', env.PATH);
  if (sys && !out.some((c) => c.path === sys)) out.push({ path: sys, source: 'system', reason: 'python3 on PATH', exists: true });
  // Broken venvs (no interpreter inside) stay listed, so the UI can say why, but rank last.
  return [...out.filter((c) => c.exists), ...out.filter((c) => !c.exists)];
}
