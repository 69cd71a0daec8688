// Folder browsing for the browser UI's "add app" picker: sub-folders only, read-only, marks likely projects.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FsListing } from '../control/contract.js';
import { GantryError } from '../errors.js';

const PROJECT_MARKERS = ['manage.py', 'app.py', 'wsgi.py', 'pyproject.toml', 'Procfile', 'requirements.txt'];
const MAX_ENTRIES = 500;

export async function listFolder(input?: string): Promise<FsListing> {
  const dir = path.resolve(input && input.length > 0 ? input : os.homedir());
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `cannot list ${dir}: ${(e as Error).message}`, { field: 'path', reason: (e as NodeJS.ErrnoException).code ?? 'unreadable' });
  }
  const dirs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b))
    .slice(0, MAX_ENTRIES)
    .map((name) => {
      const p = path.join(dir, name);
      return { name, path: p, looksLikeProject: PROJECT_MARKERS.some((m) => existsSync(path.join(p, m))) };
    });
  const parent = path.dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, dirs };
}
