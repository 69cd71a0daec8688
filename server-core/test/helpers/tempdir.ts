// One fresh temp folder per test (or per file), removed afterwards: by hand (makeTempDir), after the test that made it
// (tempDirPerTest), or one made before each test and removed after it (tempDirEachTest).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { perTest } from './per-test.js';

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = 'gantry-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** For a file's tests: the returned function makes a temp folder, removed after the test that made it. */
export function tempDirPerTest(prefix?: string): () => Promise<TempDir> {
  const make = perTest(makeTempDir, (dir) => dir.remove());
  return () => make(prefix);
}

/** For a file whose every test works in a folder of its own: made before each test, removed after it. */
export function tempDirEachTest(prefix?: string): { readonly path: string } {
  let current: TempDir | null = null;
  beforeEach(async () => {
    current = await makeTempDir(prefix);
  });
  afterEach(async () => {
    await current?.remove();
    current = null;
  });
  return {
    get path() {
      if (!current) throw new Error('tempDirEachTest: the folder is made before each test; use it from a test');
      return current.path;
    },
  };
}
