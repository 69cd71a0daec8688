// Does a folder look like a Python web project? The folder browser's hint (a badge, not detection proper:
// detect/ ranks entry points). Cheap and bounded: a few names, then a peek at a few top-level .py files.
import fs from 'node:fs/promises';
import path from 'node:path';

/** Files whose presence alone marks a Python project. */
const PROJECT_FILES: readonly string[] = [
  'manage.py',
  'wsgi.py',
  'app.py',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'requirements.txt',
  'Pipfile',
  'poetry.lock',
  'uv.lock',
  'Procfile',
];

/** Source that defines or builds a WSGI callable: `def f(environ, start_response)`, Flask(…), get_wsgi_application(), create_app(), `application = …`. */
const WSGI_SOURCE =
  /^\s*def\s+\w+\s*\(\s*environ\s*,\s*start_response\b|\bFlask\s*\(|\bget_wsgi_application\s*\(|^def\s+create_app\s*\(|^application\s*=/m;

const MAX_PY_FILES = 12;
const PEEK_BYTES = 64 * 1024;

export interface ProjectLook {
  readonly looksLikeProject: boolean;
  /** Why, for a tooltip: the marker file, or "hello.py defines a WSGI callable". */
  readonly reason: string | null;
}

export async function lookAtFolder(dir: string): Promise<ProjectLook> {
  let names: string[];
  try {
    names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return { looksLikeProject: false, reason: null };
  }
  const marker = PROJECT_FILES.find((m) => names.includes(m));
  if (marker) return { looksLikeProject: true, reason: marker };
  const py = names
    .filter((n) => n.endsWith('.py'))
    .sort()
    .slice(0, MAX_PY_FILES);
  for (const name of py) {
    if (WSGI_SOURCE.test(await peek(path.join(dir, name)))) return { looksLikeProject: true, reason: `${name} defines a WSGI app` };
  }
  return { looksLikeProject: false, reason: null };
}

async function peek(file: string): Promise<string> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(file, 'r');
    const buf = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PEEK_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    await fh?.close();
  }
}
