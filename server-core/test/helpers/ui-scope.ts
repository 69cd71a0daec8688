// Scaffolding of the tests that start a real `gantry ui`: the built CLI is required, and after each test (or, with
// 'file', after the file's last) the `gantry ui` it started is stopped and its temp folders removed. The `gantry serve` tests'
// counterpart is cli-scope.ts.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startUi, type Ui } from './gantry-ui.js';
import { assertGantryBuilt } from './paths.js';
import { makeTempDir, type TempDir } from './tempdir.js';

export interface UiScope {
  /** A temp folder, removed after the test. */
  tempDir(prefix?: string): Promise<TempDir>;
  /** startUi, stopped after the test. */
  startUi(...args: Parameters<typeof startUi>): Promise<Ui>;
}

/** `each`: one `gantry ui` per test; `file`: one started in `beforeAll`, shared by the file's tests. */
export function uiScope(per: 'each' | 'file' = 'each'): UiScope {
  const uis: Ui[] = [];
  const dirs: TempDir[] = [];
  beforeAll(() => {
    assertGantryBuilt();
  });
  (per === 'each' ? afterEach : afterAll)(async () => {
    for (const ui of uis.splice(0)) await ui.stop();
    for (const dir of dirs.splice(0)) await dir.remove();
  });
  return {
    async tempDir(prefix) {
      const dir = await makeTempDir(prefix);
      dirs.push(dir);
      return dir;
    },
    async startUi(...args) {
      const ui = await startUi(...args);
      uis.push(ui);
      return ui;
    },
  };
}
