// Per-file scaffolding of the `gantry serve` tests: the built CLI is required, and after each test the
// process it started (and its whole group) is killed and its temp folder removed.
import { afterEach, beforeAll } from 'vitest';
import { assertGantryBuilt } from './paths.js';
import type { StartedProcess } from './process.js';
import type { TempDir } from './tempdir.js';

export interface CliScope {
  proc: StartedProcess | null;
  tmp: TempDir | null;
}

export function cliScope(): CliScope {
  const scope: CliScope = { proc: null, tmp: null };
  beforeAll(() => {
    assertGantryBuilt();
  });
  afterEach(async () => {
    await scope.proc?.stop({ signal: 'SIGKILL', timeoutMs: 2000 });
    scope.proc = null;
    await scope.tmp?.remove();
    scope.tmp = null;
  });
  return scope;
}
