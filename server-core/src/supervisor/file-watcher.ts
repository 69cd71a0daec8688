// `--reload`: watch a project's Python files (plus `--reload-extra-file` paths/globs), report changes debounced,
// and syntax-check the changed files so a typo shows an error while the old workers keep serving.
// Wiring (supervisor, when settings.reload):
//   const watcher = await watchProject({ root: chdir, extraFiles: settings.reloadExtraFiles,
//     onChange: async (paths) => { const py = paths.filter(p => p.endsWith('.py'));
//       const check = await checkSyntax(python, py, { cwd: chdir });
//       if (!check.ok) emit an OutputLine/event with check.output and keep the current generation;
//       else queue a graceful reload (the loop acts; this handler only records) } });
//   on stop: await watcher.close().
// chokidar 4 has no globs, so directories are pruned and files filtered here.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { runTool } from '../subprocess.js';

export interface ProjectWatchOptions {
  /** The project folder (the app's chdir). */
  readonly root: string;
  /** Extra files or globs (`*`, `**`, `?`, `{a,b}`), relative to root or absolute. */
  readonly extraFiles?: readonly string[];
  /** Quiet time after the last change before onChange fires. Default 300 ms. */
  readonly debounceMs?: number;
  /** Absolute paths that were added, changed or removed since the last call, sorted. */
  readonly onChange: (paths: readonly string[]) => void;
  readonly onError?: (err: unknown) => void;
}

export interface ProjectWatcher {
  close(): Promise<void>;
}

/** Folders never worth watching: VCS, caches, dependencies, virtualenvs (also any folder with a pyvenv.cfg). */
const IGNORED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  'node_modules',
  'site-packages',
  'dist-packages',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.eggs',
  '.idea',
  '.vscode',
]);

const GLOB_CHARS = /[*?{[]/;

/** `**` any depth, `*` within a segment, `?` one character, `{a,b}` alternatives; matched against whole paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.lastIndexOf('(?:') > re.lastIndexOf(')')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export async function watchProject(options: ProjectWatchOptions): Promise<ProjectWatcher> {
  const root = resolve(options.root);
  const debounceMs = options.debounceMs ?? 300;
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  const watchRoots = new Set<string>([root]);
  for (const entry of options.extraFiles ?? []) {
    const abs = isAbsolute(entry) ? entry : join(root, entry);
    if (!GLOB_CHARS.test(abs)) {
      exact.add(resolve(abs));
      watchRoots.add(resolve(abs));
      continue;
    }
    const parts = toPosix(abs).split('/');
    const firstGlob = parts.findIndex((s) => GLOB_CHARS.test(s));
    const base = parts.slice(0, firstGlob).join('/') || '/';
    globs.push(globToRegExp(toPosix(resolve(abs))));
    watchRoots.add(resolve(base));
  }

  const venvCache = new Map<string, boolean>();
  const inIgnoredDir = (p: string): boolean => {
    const rel = p.startsWith(root + sep) ? p.slice(root.length + 1) : null;
    const segs = rel === null ? [p.slice(p.lastIndexOf(sep) + 1)] : rel.split(sep);
    return segs.some((s) => IGNORED_DIRS.has(s));
  };
  const wanted = (p: string): boolean => {
    if (exact.has(p)) return true;
    if (globs.length > 0) {
      const posix = toPosix(p);
      if (globs.some((g) => g.test(posix))) return true;
    }
    return p.endsWith('.py') && p.startsWith(root + sep) && !inIgnoredDir(p);
  };
  const ignored = (p: string, stats?: { isDirectory(): boolean; isFile(): boolean }): boolean => {
    if (exact.has(p)) return false;
    if (inIgnoredDir(p)) return true;
    if (stats?.isDirectory()) {
      let venv = venvCache.get(p);
      if (venv === undefined) venvCache.set(p, (venv = existsSync(join(p, 'pyvenv.cfg'))));
      return venv;
    }
    // Unknown (no stats yet) → let chokidar look; files we do not want are dropped here or in the handler.
    return stats?.isFile() === true && !wanted(p);
  };

  const watcher: FSWatcher = watch([...watchRoots], { ignoreInitial: true, ignored, persistent: true });
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const paths = [...pending].sort();
    pending = new Set();
    if (paths.length === 0) return;
    try {
      options.onChange(paths);
    } catch (err) {
      options.onError?.(err);
    }
  };
  watcher.on('all', (event, path) => {
    if (event !== 'add' && event !== 'change' && event !== 'unlink') return;
    const abs = resolve(path);
    if (!wanted(abs) || venvParent(abs, venvCache)) return;
    pending.add(abs);
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs); // restart the quiet period: one callback per burst
  });
  watcher.on('error', (err) => options.onError?.(err));
  await new Promise<void>((r) => watcher.once('ready', () => r()));

  return {
    async close() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await watcher.close();
    },
  };
}

// A .py file whose directory (or an ancestor we already saw) is a virtualenv: dropped even if chokidar
// reported it before it stat'ed the folder.
function venvParent(p: string, cache: ReadonlyMap<string, boolean>): boolean {
  for (let dir = p.slice(0, p.lastIndexOf(sep)); dir.length > 1; dir = dir.slice(0, dir.lastIndexOf(sep))) {
    if (cache.get(dir) === true) return true;
  }
  return false;
}

export interface SyntaxCheck {
  readonly ok: boolean;
  /** py_compile's error output (file, line, caret, SyntaxError), or why the check could not run. */
  readonly output: string;
}

/**
 * `python -m py_compile FILE…` on the files that still exist. Bytecode goes to a temp PYTHONPYCACHEPREFIX so the
 * project folder is not touched. Non-.py files are the caller's to filter (templates have no syntax to check).
 */
export async function checkSyntax(
  python: string,
  files: readonly string[],
  options: { readonly cwd?: string; readonly timeoutMs?: number } = {},
): Promise<SyntaxCheck> {
  const existing = files.filter((f) => existsSync(options.cwd && !isAbsolute(f) ? join(options.cwd, f) : f));
  if (existing.length === 0) return { ok: true, output: '' };
  const r = await runTool(python, ['-m', 'py_compile', ...existing], {
    timeoutMs: options.timeoutMs ?? 15_000,
    env: { PYTHONPYCACHEPREFIX: join(tmpdir(), 'gantry-pycache') },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const output = r.all.trim();
  if (r.code === null)
    return { ok: false, output: output || (r.error ?? `python did not finish within ${options.timeoutMs ?? 15_000} ms`) }; // did not run (ENOENT, timeout)
  return { ok: r.code === 0, output };
}
