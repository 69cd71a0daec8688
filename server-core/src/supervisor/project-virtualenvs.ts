// Where Poetry and Pipenv keep a project's virtualenv outside the project, for `gantry serve` (python-env.ts)
// and for detection (host/detect/interpreter.ts). Synchronous and node-builtins only: the serve path loads it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const isWin = process.platform === 'win32';

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function realOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export function isPoetryProject(projectDir: string, pyproject: string): boolean {
  return existsSync(path.join(projectDir, 'poetry.lock')) || /^\[tool\.poetry\]/m.test(pyproject);
}

/** The virtualenvs Poetry (for a Poetry project) and Pipenv (beside a Pipfile) keep for the project elsewhere. */
export function outsideVirtualenvs(projectDir: string, pyproject: string, env: NodeJS.ProcessEnv): Array<{ readonly dir: string; readonly tool: 'poetry' | 'pipenv' }> {
  const out: Array<{ dir: string; tool: 'poetry' | 'pipenv' }> = [];
  if (isPoetryProject(projectDir, pyproject)) for (const dir of poetryVirtualenvs(projectDir, pyproject, env)) out.push({ dir, tool: 'poetry' });
  if (existsSync(path.join(projectDir, 'Pipfile'))) for (const dir of pipenvVirtualenvs(projectDir, env)) out.push({ dir, tool: 'pipenv' });
  return out;
}

/** The project's name as Poetry reads it: [tool.poetry] name, else [project] name. */
function projectName(pyproject: string): string | null {
  let section = '';
  const names = new Map<string, string>();
  for (const line of pyproject.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) section = header[1]!.trim();
    const name = /^\s*name\s*=\s*["']([^"']+)["']/.exec(line);
    if (name && !names.has(section)) names.set(section, name[1]!);
  }
  return names.get('tool.poetry') ?? names.get('project') ?? null;
}

/** Poetry's cache of virtualenvs: $POETRY_VIRTUALENVS_PATH, else <cache dir>/virtualenvs, per platform. */
function poetryVirtualenvsDir(env: NodeJS.ProcessEnv): string {
  if (env.POETRY_VIRTUALENVS_PATH) return env.POETRY_VIRTUALENVS_PATH;
  const home = env.HOME ?? os.homedir();
  const cache =
    env.POETRY_CACHE_DIR ??
    (process.platform === 'darwin'
      ? path.join(home, 'Library', 'Caches', 'pypoetry')
      : isWin
        ? path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'pypoetry', 'Cache')
        : path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'pypoetry'));
  return path.join(cache, 'virtualenvs');
}

/**
 * Poetry (virtualenvs.in-project off, its default) keeps a project's virtualenv in its cache as
 * `<name>-<hash>-py<X.Y>`: the name lower-cased with shell-unsafe characters as `_` (42 at most), the hash
 * the first 8 characters of the URL-safe base64 of sha256(the project's real path). Newest Python first.
 */
export function poetryVirtualenvs(folder: string, pyproject: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const name = projectName(pyproject);
  if (name === null) return [];
  // os.path.normcase(os.path.realpath(cwd)), as Poetry hashes it.
  const real = isWin ? realOr(folder).toLowerCase().replaceAll('/', '\\') : realOr(folder);
  const hash = createHash('sha256').update(real).digest('base64url').slice(0, 8);
  const sanitize = (n: string): string => n.replace(/[ $`!*@"\\\r\n\t]/g, '_').slice(0, 42);
  // Poetry before 1.2 kept the name's case.
  const prefixes = [...new Set([sanitize(name.toLowerCase()), sanitize(name)])].map((n) => `${n}-${hash}-py`);
  const dir = poetryVirtualenvsDir(env);
  return list(dir)
    .filter((e) => prefixes.some((p) => e.startsWith(p)))
    .sort((a, b) => pythonVersionOf(b) - pythonVersionOf(a))
    .map((e) => path.join(dir, e));
}

function pythonVersionOf(venvName: string): number {
  const m = /-py(\d+)\.(\d+)$/.exec(venvName);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
}

/**
 * Pipenv keeps a project's virtualenv in $WORKON_HOME (default ~/.local/share/virtualenvs) as
 * `<folder name>-<hash>`, and writes the project's path into its `.project` file: that file, not the
 * hash (whose recipe changed across Pipenv versions), says which one is this project's.
 */
export function pipenvVirtualenvs(folder: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? os.homedir();
  const dir = env.WORKON_HOME || path.join(home, '.local', 'share', 'virtualenvs');
  const here = [path.resolve(folder), realOr(folder)];
  const base = path.basename(path.resolve(folder)).replace(/[ &$`!*@"()[\]\\\r\n\t]/g, '_').slice(0, 42);
  const out: string[] = [];
  for (const e of list(dir)) {
    if (!e.startsWith(`${base}-`)) continue;
    let project: string;
    try {
      project = readFileSync(path.join(dir, e, '.project'), 'utf8').trim();
    } catch {
      continue;
    }
    if (here.includes(path.resolve(project))) out.push(path.join(dir, e));
  }
  return out;
}
