// PATH lookup without a shell, as `which` does it: the Python finder, interpreter detection, the desktop's
// "open in editor/terminal" and the tests' tool checks all ask this one.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** An executable regular file (on Windows, X_OK is existence). */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable `name` in `env.PATH`, then in `extraDirs`; an absolute `name` is itself when executable.
 * On Windows `name.exe` is tried too.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = []): string | null {
  if (path.isAbsolute(name)) return isExecutableFile(name) ? name : null;
  const names = process.platform === 'win32' && !name.toLowerCase().endsWith('.exe') ? [name, `${name}.exe`] : [name];
  for (const dir of [...(env['PATH'] ?? '').split(path.delimiter), ...extraDirs]) {
    if (dir === '') continue;
    for (const n of names) {
      const candidate = path.join(dir, n);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}
