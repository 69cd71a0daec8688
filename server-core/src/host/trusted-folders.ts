// Folders the user has said Gantry may run code from. Detection runs a folder's virtualenv interpreter and
// imports its modules (their top level runs): that waits until the folder — or a folder it is inside — is
// trusted. Adding an app is trusting its folder; Gantry's own demo folder is trusted from the start.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

const TRUSTED_FILE = 'trusted-folders.json';

export class TrustedFolders {
  private folders: string[] | null = null;

  constructor(
    private readonly home: string,
    private readonly builtin: readonly string[] = [],
  ) {}

  private async load(): Promise<string[]> {
    if (this.folders) return this.folders;
    try {
      const doc = JSON.parse(await fs.readFile(path.join(this.home, TRUSTED_FILE), 'utf8')) as { folders?: unknown };
      this.folders = Array.isArray(doc.folders) ? doc.folders.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f)) : [];
    } catch {
      // Missing or unreadable: nothing trusted yet (the safe side); the next trust() rewrites it.
      this.folders = [];
    }
    return this.folders;
  }

  async isTrusted(folder: string): Promise<boolean> {
    const f = path.resolve(folder);
    return [...this.builtin, ...(await this.load())].some((t) => f === t || f.startsWith(t.endsWith(path.sep) ? t : t + path.sep));
  }

  async trust(folder: string): Promise<void> {
    const f = path.resolve(folder);
    if (await this.isTrusted(f)) return;
    const list = [...(await this.load()), f];
    this.folders = list;
    await fs.mkdir(this.home, { recursive: true });
    await writeFileAtomic(path.join(this.home, TRUSTED_FILE), JSON.stringify({ schemaVersion: 1, folders: list }, null, 2) + '\n');
  }
}
