#!/usr/bin/env node
// Runs every test suite (Python worker, server-core, renderer, main, typecheck, lint, e2e) and ends with one line
// "N passed, M failed" summing them all. Each suite writes a JSON report we read back; a suite that
// cannot run at all counts as one failure, never as zero tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, '.tmp', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const only = process.argv.slice(2);
const suites = [
  {
    name: 'build',
    cmd: ['npm', 'run', 'build', '--silent'],
    read: null,
  },
  {
    name: 'python-worker',
    cmd: ['python3', 'app/tests/run.py', '--json', join(reports, 'python.json')],
    read: (f) => JSON.parse(readFileSync(f, 'utf8')),
    report: join(reports, 'python.json'),
  },
  ...['server-core', 'renderer', 'main'].map((ws) => ({
    name: ws,
    cwd: join(root, ws),
    when: () => existsSync(join(root, ws, 'vitest.config.ts')),
    cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, ws + '.json')}`],
    report: join(reports, ws + '.json'),
    read: (f) => {
      const r = JSON.parse(readFileSync(f, 'utf8'));
      return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) + countFailedFiles(r) };
    },
  })),
  {
    name: 'typecheck',
    cmd: ['npm', 'run', 'typecheck', '--silent'],
    read: null,
  },
  {
    name: 'lint',
    cmd: ['npm', 'run', 'lint', '--silent'],
    read: null,
  },
  {
    name: 'e2e',
    cwd: join(root, 'e2e'),
    when: () => existsSync(join(root, 'e2e', 'playwright.config.ts')),
    cmd: ['npx', 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'e2e.json') },
    report: join(reports, 'e2e.json'),
    read: (f) => {
      const r = JSON.parse(readFileSync(f, 'utf8'));
      return { passed: r.stats.expected + (r.stats.flaky ?? 0), failed: r.stats.unexpected };
    },
  },
];

function countFailedFiles(r) {
  // A test file that failed to load has no test results but status "failed".
  return (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
}

let passed = 0;
let failed = 0;
const lines = [];
for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  if (s.when && !s.when()) {
    lines.push(`${s.name}: not present`);
    continue;
  }
  console.log(`\n=== ${s.name}: ${s.cmd.join(' ')}`);
  const r = spawnSync(s.cmd[0], s.cmd.slice(1), { cwd: s.cwd ?? root, stdio: 'inherit', env: { ...process.env, ...(s.env ?? {}) } });
  let p = 0;
  let f = 0;
  if (s.read === null) {
    if (r.status === 0) p = 1;
    else f = 1;
  } else if (s.report && existsSync(s.report)) {
    try {
      ({ passed: p, failed: f } = s.read(s.report));
    } catch (e) {
      f = 1;
      console.error(`${s.name}: unreadable report: ${e}`);
    }
    if (r.status !== 0 && f === 0) f = 1; // the runner failed without a failed test: count it
  } else {
    f = 1;
    console.error(`${s.name}: no report (exit ${r.status ?? r.signal})`);
  }
  lines.push(`${s.name}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}
console.log('\n' + lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
