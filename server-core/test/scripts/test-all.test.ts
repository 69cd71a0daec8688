// scripts/test-all.mjs's counting, against small fake suites run by the real runners (vitest, Playwright,
// app/tests/run.py): every outcome is counted, nothing that did not run passes for green, and on CI a skip
// fails unless it is marked platform-specific.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlaywright, readPython, readVitest, runSuites, tally, totalLine, type Suite } from '../../../scripts/lib/test-suites.mjs';
import { REPO_ROOT, SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';

const FAKES = join(SERVER_CORE_DIR, 'test', 'scripts', 'fake-suites');
const VITEST = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const PLAYWRIGHT = join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

const tmp = tempDirScope('gantry-test-all-', 'file');

function fakeSuites(tag: string): Suite[] {
  const report = (name: string) => join(tmp.path, `${tag}-${name}.json`);
  return [
    {
      name: 'python',
      cwd: REPO_ROOT,
      needs: [join(REPO_ROOT, 'app', 'tests', 'run.py')],
      cmd: [SYSTEM_PYTHON, 'app/tests/run.py', '--start', join(FAKES, 'python'), '--json', report('python')],
      report: report('python'),
      read: readPython,
    },
    {
      name: 'vitest',
      cwd: join(FAKES, 'vitest'),
      cmd: [process.execPath, VITEST, 'run', '--config', 'fake.config.mts', '--reporter=json', `--outputFile.json=${report('vitest')}`],
      report: report('vitest'),
      read: readVitest,
    },
    { name: 'exit-0', cmd: [process.execPath, '-e', 'process.exit(0)'] },
    { name: 'exit-1', cmd: [process.execPath, '-e', 'process.exit(1)'] },
    { name: 'no-config', needs: [join(FAKES, 'no-such.config.ts')], cmd: [process.execPath, '-e', 'process.exit(0)'] },
    {
      name: 'no-report',
      cmd: [process.execPath, '-e', 'process.exit(0)'],
      report: report('never-written'),
      read: () => ({ passed: 5, failed: 0, notRun: [] }),
    },
  ];
}

function run(tag: string, ci: boolean) {
  const out: string[] = [];
  const silent = (cmd: string, args: readonly string[], o: any) =>
    spawnSync(cmd, args, { ...o, stdio: 'ignore', env: { ...o.env, CI: ci ? 'true' : '' } });
  const result = runSuites(fakeSuites(tag), { ci, log: (l) => out.push(l), spawn: silent as any });
  return { ...result, out };
}

describe('test-all counting', () => {
  it('counts skipped, todo and what did not run per suite and in the total; a missing config or report is a failure', () => {
    const r = run('laptop', false);
    expect(r.lines).toEqual([
      // pass + fail; a plain skip, a platform-specific one, and a class whose tool is missing (skipped off CI)
      'python: 1 passed, 1 failed, 3 skipped, 0 todo, 0 did not run',
      // pass + fail + a file that fails to load; it.skip, a platform-specific describe.skipIf, it.todo
      'vitest: 1 passed, 2 failed, 2 skipped, 1 todo, 0 did not run',
      'exit-0: 1 passed, 0 failed, 0 skipped, 0 todo, 0 did not run',
      'exit-1: 0 passed, 1 failed, 0 skipped, 0 todo, 0 did not run',
      expect.stringMatching(/^no-config: 0 passed, 1 failed \(missing .*no-such\.config\.ts\)$/),
      'no-report: 0 passed, 1 failed, 0 skipped, 0 todo, 0 did not run',
    ]);
    expect(r.out.at(-1)).toBe('3 passed, 6 failed, 6 skipped');
  });

  it('on CI a skip, a todo or a missing tool is a failure, unless marked platform-specific', () => {
    const r = run('ci', true);
    expect(r.lines.slice(0, 2)).toEqual([
      // the missing tool fails its class on CI (one setUpClass error); the plain skip is failed by test-all
      'python: 1 passed, 3 failed, 1 skipped, 0 todo, 0 did not run',
      'vitest: 1 passed, 4 failed, 1 skipped, 0 todo, 0 did not run',
    ]);
    expect(r.out).toContain(
      'python: skipped on CI, counted as failed (not marked platform-specific): test_skipped (test_outcomes.Outcomes.test_skipped) (no reason to run)',
    );
    expect(r.out.some((l) => /^vitest: todo on CI, counted as failed .*is todo$/.test(l))).toBe(true);
    expect(r.out.at(-1)).toBe('3 passed, 10 failed, 2 skipped');
  });

  it("Playwright: a skip is a skip, a serial story's steps after a failure did not run", () => {
    const report = join(tmp.path, 'playwright.json');
    const p = spawnSync(process.execPath, [PLAYWRIGHT, 'test', '--config', 'fake.config.mts'], {
      cwd: join(FAKES, 'playwright'),
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
      stdio: 'ignore',
    });
    expect(p.status).toBe(1);
    const counts = readPlaywright(JSON.parse(readFileSync(report, 'utf8')));
    expect(tally(counts, false)).toMatchObject({ passed: 1, failed: 1, skipped: 2, todo: 0, didNotRun: 1 });
    const onCi = tally(counts, true);
    expect(onCi).toMatchObject({ passed: 1, failed: 3, skipped: 1, didNotRun: 0 });
    expect(onCi.failedOnCi.map((n) => n.name)).toEqual([
      'outcomes.fake.ts › is skipped',
      'outcomes.fake.ts › a story › second step did not run',
    ]);
  });

  it('an unknown suite name is a failure, not an empty green run', () => {
    const out: string[] = [];
    const r = runSuites([{ name: 'only-one', cmd: ['true'] }], { only: ['typo'], log: (l) => out.push(l) });
    expect(r.failed).toBe(1);
    expect(out.at(-1)).toBe(totalLine(0, 1, 0));
    expect(out.at(-1)).toBe('0 passed, 1 failed');
  });
});
