// How scripts/test-all.mjs runs a suite and counts what it reports, kept apart from the table of suites so the
// counting itself is tested (server-core/test/scripts/test-all.test.ts) with small fake suites.
//
// Every test ends in one of: passed, failed, skipped (vitest's "skipped"/"pending", unittest's skip, Playwright's
// test.skip), todo, or "did not run" (Playwright stopped before it, vitest left it queued). Only passed and failed
// speak for themselves; the rest are counted and printed, so a green line never hides tests that did not run.
// On CI (CI=true) a test that did not pass or fail is a failure, unless it is marked platform-specific:
//   - vitest / Playwright: its title, or a describe's title above it, contains "[platform-specific" (write
//     `[platform-specific: linux]`, naming the platforms it runs on);
//   - Python unittest: its skip reason starts with "platform-specific" (`platform-specific: linux only`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const PLATFORM_MARK = /\[platform-specific\b/;
const PY_PLATFORM_MARK = /^platform-specific\b/;

/**
 * @typedef {{ name: string, kind: 'skipped' | 'todo' | 'did not run', platform: boolean }} NotRun
 * @typedef {{ passed: number, failed: number, notRun: NotRun[] }} Counts
 */

/** vitest's JSON reporter (`--reporter=json`). */
export function readVitest(r) {
  /** @type {NotRun[]} */
  const notRun = [];
  let passed = 0;
  let failed = 0;
  for (const file of r.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    // A file that failed to load (syntax error, a throw at the top, a missing tool on CI) has no tests.
    if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) failed += 1;
    for (const t of tests) {
      const name = `${file.name}: ${t.fullName}`;
      if (t.status === 'passed') passed += 1;
      else if (t.status === 'failed') failed += 1;
      else if (t.status === 'todo') notRun.push({ name, kind: 'todo', platform: PLATFORM_MARK.test(t.fullName) });
      else if (t.status === 'skipped' || t.status === 'pending' || t.status === 'disabled') {
        notRun.push({ name, kind: 'skipped', platform: PLATFORM_MARK.test(t.fullName) });
      } else notRun.push({ name, kind: 'did not run', platform: false });
    }
  }
  return { passed, failed, notRun };
}

/** Playwright's JSON reporter: suites nest, each spec holds one test per project. */
export function readPlaywright(r) {
  /** @type {NotRun[]} */
  const notRun = [];
  let passed = 0;
  let failed = (r.errors ?? []).length; // errors outside any test (global setup, a spec that fails to load)
  const walk = (suite, titles) => {
    const here = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      const fullName = [...here, spec.title].join(' › ');
      for (const t of spec.tests ?? []) {
        const marked = PLATFORM_MARK.test(fullName) || (t.annotations ?? []).some((a) => PLATFORM_MARK.test(a.description ?? ''));
        if (t.status === 'expected' || t.status === 'flaky') passed += 1;
        else if (t.status === 'unexpected') failed += 1;
        else if ((t.results ?? []).some((x) => x.status === 'interrupted')) failed += 1;
        // As Playwright's own summary: a skip nobody asked for (no results, or not expected) "did not run".
        else if (!(t.results ?? []).length || t.expectedStatus !== 'skipped')
          notRun.push({ name: fullName, kind: 'did not run', platform: false });
        else notRun.push({ name: fullName, kind: 'skipped', platform: marked });
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const s of r.suites ?? []) walk(s, []);
  return { passed, failed, notRun };
}

/** app/tests/run.py --json: {passed, failed, skips: [{name, reason}]}. */
export function readPython(r) {
  const notRun = (r.skips ?? []).map((s) => ({
    name: `${s.name} (${s.reason})`,
    kind: 'skipped',
    platform: PY_PLATFORM_MARK.test(s.reason ?? ''),
  }));
  return { passed: r.passed, failed: r.failed, notRun };
}

/**
 * Applies the CI rule: on CI, what did not run and is not platform-specific is a failure.
 * @param {Counts} c
 * @returns {{ passed: number, failed: number, skipped: number, todo: number, didNotRun: number, failedOnCi: NotRun[] }}
 */
export function tally(c, ci) {
  const failedOnCi = ci ? c.notRun.filter((n) => !n.platform) : [];
  const left = c.notRun.filter((n) => !failedOnCi.includes(n));
  return {
    passed: c.passed,
    failed: c.failed + failedOnCi.length,
    skipped: left.filter((n) => n.kind === 'skipped').length,
    todo: left.filter((n) => n.kind === 'todo').length,
    didNotRun: left.filter((n) => n.kind === 'did not run').length,
    failedOnCi,
  };
}

function suiteLine(name, t) {
  const extra = [`${t.skipped} skipped`, `${t.todo} todo`, `${t.didNotRun} did not run`];
  return `${name}: ${t.passed} passed, ${t.failed} failed, ${extra.join(', ')}`;
}

/** The last line: "N passed, M failed", then ", K skipped" when anything did not run (skipped, todo, did not run). */
export function totalLine(passed, failed, notRun) {
  return `${passed} passed, ${failed} failed${notRun > 0 ? `, ${notRun} skipped` : ''}`;
}

/**
 * Runs the suites in order and prints one line per suite and the total. A suite either has `read` (a JSON report
 * it writes to `report`) or counts as one test (its exit status). A suite that cannot run — its config file
 * (`needs`) is missing, it wrote no report, the report is unreadable — is a failure, never zero tests.
 * @returns {{ passed: number, failed: number, notRun: number, lines: string[] }}
 */
export function runSuites(suites, { only = [], ci = process.env.CI === 'true', log = console.log, spawn = spawnSync } = {}) {
  let passed = 0;
  let failed = 0;
  let notRun = 0;
  const lines = [];
  const unknown = only.filter((n) => !suites.some((s) => s.name === n));
  for (const n of unknown) {
    lines.push(`${n}: 0 passed, 1 failed (no such suite; suites: ${suites.map((s) => s.name).join(', ')})`);
    failed += 1;
  }
  for (const s of suites) {
    if (only.length && !only.includes(s.name)) continue;
    const missing = (s.needs ?? []).filter((f) => !existsSync(f));
    if (missing.length) {
      lines.push(`${s.name}: 0 passed, 1 failed (missing ${missing.join(', ')})`);
      failed += 1;
      continue;
    }
    log(`\n=== ${s.name}: ${s.cmd.join(' ')}`);
    const r = spawn(s.cmd[0], s.cmd.slice(1), { cwd: s.cwd, stdio: 'inherit', env: { ...process.env, ...(s.env ?? {}) } });
    /** @type {Counts} */
    let c = { passed: 0, failed: 0, notRun: [] };
    if (!s.read) {
      c = r.status === 0 ? { ...c, passed: 1 } : { ...c, failed: 1 };
    } else if (s.report && existsSync(s.report)) {
      try {
        c = s.read(JSON.parse(readFileSync(s.report, 'utf8')));
      } catch (e) {
        c = { ...c, failed: 1 };
        log(`${s.name}: unreadable report: ${e}`);
      }
      if (r.status !== 0 && c.failed === 0) c = { ...c, failed: 1 }; // the runner failed without a failed test
    } else {
      c = { ...c, failed: 1 };
      log(`${s.name}: no report (exit ${r.status ?? r.signal})`);
    }
    const t = tally(c, ci);
    for (const n of t.failedOnCi) log(`${s.name}: ${n.kind} on CI, counted as failed (not marked platform-specific): ${n.name}`);
    lines.push(suiteLine(s.name, t));
    passed += t.passed;
    failed += t.failed;
    notRun += t.skipped + t.todo + t.didNotRun;
  }
  log('\n' + lines.join('\n'));
  log(totalLine(passed, failed, notRun));
  return { passed, failed, notRun, lines };
}
