// The file `gantry ui` leaves in GANTRY_HOME (mode 0600) so `gantry apps …` can find the running control API.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { RUNTIME_FILE } from './paths.js';

export interface RuntimeInfo {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly pid: number;
  readonly startedAt: number;
}

function runtimeFilePath(home: string): string {
  return path.join(home, RUNTIME_FILE);
}

export async function writeRuntimeFile(home: string, info: RuntimeInfo): Promise<void> {
  await writeFileAtomic(runtimeFilePath(home), JSON.stringify(info) + '\n', 0o600);
}

/** The running UI's info; null when absent or its process is gone (a stale file from a crash). */
export async function readRuntimeFile(home: string): Promise<RuntimeInfo | null> {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(await fs.readFile(runtimeFilePath(home), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  return info;
}

/** Removes the file if it is still ours (another `gantry ui` may have replaced it). */
export async function removeRuntimeFile(home: string, pid = process.pid): Promise<void> {
  const file = runtimeFilePath(home);
  try {
    const info = JSON.parse(await fs.readFile(file, 'utf8')) as RuntimeInfo;
    if (info.pid === pid) await fs.rm(file, { force: true });
  } catch {
    /* already gone */
  }
}
