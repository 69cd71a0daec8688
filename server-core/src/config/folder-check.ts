// Is the folder a setting names (chdir) there? Checked before anything starts, so the answer names the folder
// rather than a worker dying with exit code 127.
import { statSync } from 'node:fs';

/** Null when `dir` is a folder; else why not, in words. */
export function folderProblem(dir: string): string | null {
  try {
    return statSync(dir).isDirectory() ? null : `${dir} is not a folder`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${dir} does not exist` : `${dir} cannot be used (${code ?? (e as Error).message})`;
  }
}
