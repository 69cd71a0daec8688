// The shell's own small JSON files in the config folder (desktop.json, window-state.json): read with a fallback
// when missing or unreadable, written atomically (server-core's writeFileAtomic: never half a file after a crash).
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@gantry/server-core';

export async function readJsonFile<T>(dir: string, name: string, parse: (text: string) => T, fallback: T): Promise<T> {
  try {
    return parse(await fs.readFile(path.join(dir, name), 'utf8'));
  } catch {
    return fallback;
  }
}

export async function writeJsonFile(dir: string, name: string, value: unknown): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, name), JSON.stringify(value, null, 2) + '\n');
}
