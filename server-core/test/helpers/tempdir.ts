// One fresh temp folder per test (or per file), removed afterwards: by hand (makeTempDir), after the test that made it
// (tempDirPerTest), or one for each test or for the block's tests, made before and removed after (tempDirScope).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perTest, scope } from './per-test.js';

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

/**
 * A temp folder the enclosing block's tests work in: one for each test (`each`, the default: made before it, removed
 * after it) or one for them all (`file`: made before the first, removed after the last).
 */
export function tempDirScope(prefix?: string, per: 'each' | 'file' = 'each'): TempDir {
  return scope(
    () => makeTempDir(prefix),
    (dir) => dir.remove(),
    per,
  );
}
