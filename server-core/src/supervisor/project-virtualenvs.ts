// A project's virtualenvs, ranked: in the project, where Poetry and Pipenv keep it outside the project, then
// $VIRTUAL_ENV. One order for `gantry serve` (python-env.ts) and for detection (host/detect/interpreter.ts).
// Synchronous and node-builtins only: the serve path loads it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, type Dirent } from 'node:fs';
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

export type VirtualenvSource = '.venv' | 'poetry' | 'uv' | 'venv' | 'env' | 'pyvenv.cfg' | 'pipenv' | 'VIRTUAL_ENV';

export interface ProjectVirtualenv {
  readonly dir: string;
  readonly source: VirtualenvSource;
  /** Why it is a candidate, for the UI. */
  readonly reason: string;
}

/** The interpreter inside a virtualenv. */
export function venvPython(dir: string): string {
  return isWin ? path.join(dir, 'Scripts', 'python.exe') : path.join(dir, 'bin', 'python');
}

/**
 * The virtualenvs that may be the project's, best first, whether or not an interpreter is inside: .venv/
 * (named for Poetry or uv when the project is theirs), venv/, env/ with a pyvenv.cfg, any other sub-folder
 * with a pyvenv.cfg, the one Poetry keeps in its cache, Pipenv's in $WORKON_HOME, then $VIRTUAL_ENV.
 */
export function projectVirtualenvs(folder: string, env: NodeJS.ProcessEnv): ProjectVirtualenv[] {
  const out: ProjectVirtualenv[] = [];
  const add = (dir: string, source: VirtualenvSource, reason: string): void => {
    if (!out.some((v) => v.dir === dir)) out.push({ dir, source, reason });
  };
  const has = (f: string): boolean => existsSync(path.join(folder, f));
  let pyproject = '';
  try {
    pyproject = readFileSync(path.join(folder, 'pyproject.toml'), 'utf8');
  } catch {
    // no pyproject.toml
  }
  const poetry = has('poetry.lock') || /^\[tool\.poetry\]/m.test(pyproject);
  if (has('.venv')) {
    if (poetry) add(path.join(folder, '.venv'), 'poetry', 'Poetry in-project virtualenv (.venv beside poetry.lock)');
    else if (has('uv.lock') || /^\[tool\.uv\]/m.test(pyproject))
      add(path.join(folder, '.venv'), 'uv', 'uv project virtualenv (.venv beside uv.lock)');
    else add(path.join(folder, '.venv'), '.venv', 'virtualenv in .venv/');
  }
  if (has('venv')) add(path.join(folder, 'venv'), 'venv', 'virtualenv in venv/');
  if (has(path.join('env', 'pyvenv.cfg'))) add(path.join(folder, 'env'), 'env', 'virtualenv in env/');
  // Any other sub-folder that is a virtualenv says so with a pyvenv.cfg.
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    // not a readable folder: nothing inside it
  }
  for (const e of entries) {
    if (e.isDirectory() && existsSync(path.join(folder, e.name, 'pyvenv.cfg')))
      add(path.join(folder, e.name), 'pyvenv.cfg', `${e.name}/pyvenv.cfg marks a virtualenv`);
  }
  if (poetry)
    for (const dir of poetryVirtualenvs(folder, pyproject, env))
      add(dir, 'poetry', "Poetry's virtualenv for this project, in Poetry's cache");
  if (has('Pipfile'))
    for (const dir of pipenvVirtualenvs(folder, env)) add(dir, 'pipenv', "Pipenv's virtualenv for this project, in its $WORKON_HOME");
  if (env.VIRTUAL_ENV && path.isAbsolute(env.VIRTUAL_ENV))
    add(env.VIRTUAL_ENV, 'VIRTUAL_ENV', '$VIRTUAL_ENV is set (an activated virtualenv)');
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
function poetryVirtualenvs(folder: string, pyproject: string, env: NodeJS.ProcessEnv = process.env): string[] {
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
function pipenvVirtualenvs(folder: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? os.homedir();
  const dir = env.WORKON_HOME || path.join(home, '.local', 'share', 'virtualenvs');
  const here = [path.resolve(folder), realOr(folder)];
  const base = path
    .basename(path.resolve(folder))
    .replace(/[ &$`!*@"()[\]\\\r\n\t]/g, '_')
    .slice(0, 42);
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
