// One fresh temp folder per test (or per file), removed afterwards: by hand (makeTempDir) or after each test (tempDirPerTest).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

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
  const made: TempDir[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await dir.remove();
  });
  return async () => {
    const dir = await makeTempDir(prefix);
    made.push(dir);
    return dir;
  };
}
