// Is the folder a setting names (chdir) there? Checked before anything starts, so the answer names the folder
// rather than a worker dying with exit code 127. isFolder: the yes/no form (an app's folder, export's argument).
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Null when `dir` is a folder; else why not, in words. */
export function folderProblem(dir: string): string | null {
  try {
    return statSync(dir).isDirectory() ? null : `${dir} is not a folder`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${dir} does not exist` : `${dir} cannot be used (${code ?? (e as Error).message})`;
  }
}

/** Whether `p` (resolved against the cwd) is a folder; a missing or unreadable path is not. */
export async function isFolder(p: string): Promise<boolean> {
  return (await stat(path.resolve(p)).catch(() => null))?.isDirectory() ?? false;
}
