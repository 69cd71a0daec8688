// Finds the Pythons a project could run with, ranked, each with the reason: its own virtualenv (.venv — also
// Poetry's and uv's in-project layout —, venv, env, any folder with a pyvenv.cfg), the virtualenv Poetry or Pipenv
// keeps for it outside the project, $VIRTUAL_ENV, python3 on PATH, then pyenv's versions and the system's other
// Pythons (/usr/bin, /usr/local/bin, /opt/homebrew/bin) — one entry per real file.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InterpreterCandidate } from '../../control/contract.js';
import { projectVirtualenvs, venvPython } from '../../supervisor/project-virtualenvs.js';
import { findOnPath } from '../../which.js';

const isWin = process.platform === 'win32';

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** python3.N / python3.N.M by version, newest first. */
const byVersion = (a: string, b: string): number => {
  const v = (s: string) => (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(s) ?? []).slice(1).map((x) => Number(x ?? 0));
  const [x, y] = [v(a), v(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
};

/** pyenv's installed versions ($PYENV_ROOT or ~/.pyenv). */
function pyenvPythons(env: NodeJS.ProcessEnv): Array<{ path: string; reason: string }> {
  const root = env.PYENV_ROOT || path.join(env.HOME || os.homedir(), '.pyenv');
  return list(path.join(root, 'versions'))
    .sort(byVersion)
    .map((v) => ({ path: path.join(root, 'versions', v, 'bin', 'python'), reason: `pyenv version ${v}` }))
    .filter((c) => existsSync(c.path));
}

/** The system's versioned Pythons (python3.12, …) in the usual places. */
function systemPythons(): Array<{ path: string; reason: string }> {
  if (isWin) return [];
  const out: Array<{ path: string; reason: string }> = [];
  for (const dir of ['/usr/local/bin', '/opt/homebrew/bin', '/usr/bin']) {
    const names = list(dir)
      .filter((n) => /^python3(\.\d+)?$/.test(n))
      .sort((a, b) => (a === 'python3' ? -1 : b === 'python3' ? 1 : byVersion(a, b)));
    for (const n of names) out.push({ path: path.join(dir, n), reason: `system Python in ${dir}` });
  }
  return out;
}

export async function findInterpreters(folder: string, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterCandidate[]> {
  const out: InterpreterCandidate[] = [];
  const seen = new Set<string>();
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  // Virtualenvs stay apart even when their python links to the same binary: each has its own site-packages.
  for (const v of projectVirtualenvs(folder, env)) {
    const p = venvPython(v.dir);
    if (!out.some((c) => c.path === p)) out.push({ path: p, source: v.source, reason: v.reason, exists: existsSync(p) });
  }
  const sys = findOnPath('python3', env) ?? findOnPath('python', env);
  if (sys && !out.some((c) => c.path === sys)) {
    out.push({ path: sys, source: 'system', reason: 'python3 on PATH', exists: true });
    seen.add(real(sys));
  }
  for (const c of pyenvPythons(env))
    if (!out.some((o) => o.path === c.path)) out.push({ path: c.path, source: 'pyenv', reason: c.reason, exists: true });
  // The system's: one entry per real file (python3 and python3.13 are often the same binary).
  for (const c of systemPythons()) {
    const r = real(c.path);
    if (seen.has(r) || out.some((o) => o.path === c.path)) continue;
    seen.add(r);
    out.push({ path: c.path, source: 'system', reason: c.reason, exists: true });
  }
  // Broken venvs (no interpreter inside) stay listed, so the UI can say why, but rank last.
  return [...out.filter((c) => c.exists), ...out.filter((c) => !c.exists)];
}
