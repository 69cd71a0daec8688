// writeFileAtomic: the one crash-safe write (temp file, fsync, rename, fsync the folder), used by server-core and,
// through the public entry, by main's window state and desktop preferences.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/index.js';
import { tempDirScope } from '../helpers/tempdir.js';

const dir = tempDirScope('gantry-atomic-');

describe('writeFileAtomic', () => {
  it('replaces the file whole, mode 0600, leaving no temp file', async () => {
    const f = join(dir.path, 'a.json');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, 'two');
    expect(await readFile(f, 'utf8')).toBe('two');
    expect((await stat(f)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir.path)).toEqual(['a.json']);
  });

  it('a write that fails leaves the old file and no temp file behind', async () => {
    const f = join(dir.path, 'a.json');
    await writeFileAtomic(f, 'old');
    await expect(writeFileAtomic(f, 42 as unknown as string)).rejects.toThrow();
    expect(await readFile(f, 'utf8')).toBe('old');
    expect(await readdir(dir.path)).toEqual(['a.json']);
  });
});
