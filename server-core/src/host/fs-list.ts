// Folder browsing for the browser UI's "add app" picker: sub-folders only, read-only, marks likely projects.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FsEntry, FsListing } from '../control/contract.js';
import { GantryError } from '../errors.js';
import { lookAtFolder } from './project-markers.js';

const MAX_ENTRIES = 500;
/** Folders looked into at once (each is a readdir and maybe a few small reads). */
const LOOK_CONCURRENCY = 16;

export async function listFolder(input?: string): Promise<FsListing> {
  const dir = path.resolve(input && input.length > 0 ? input : os.homedir());
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `cannot list ${dir}: ${(e as Error).message}`, {
      field: 'path',
      reason: (e as NodeJS.ErrnoException).code ?? 'unreadable',
    });
  }
  const names = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b))
    .slice(0, MAX_ENTRIES);
  const dirs: FsEntry[] = new Array(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const i = next++;
      const p = path.join(dir, names[i]!);
      const look = await lookAtFolder(p);
      dirs[i] = { name: names[i]!, path: p, looksLikeProject: look.looksLikeProject, ...(look.reason ? { projectHint: look.reason } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOK_CONCURRENCY, names.length) }, worker));
  const parent = path.dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, dirs };
}
