#!/usr/bin/env node
// Runs every test suite (Python worker, server-core, renderer, main, typecheck, lint, e2e) and ends with one line
// "N passed, M failed" (", K skipped" after it when any test did not run) summing them all. Each suite writes a
// JSON report we read back; how it is counted, and what CI=true changes, is in scripts/lib/test-suites.mjs.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readPlaywright, readPython, readVitest, runSuites } from './lib/test-suites.mjs';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, '.tmp', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const suites = [
  { name: 'build', cmd: ['npm', 'run', 'build', '--silent'] },
  {
    name: 'python-worker',
    needs: [join(root, 'app', 'tests', 'run.py')],
    cmd: ['python3', 'app/tests/run.py', '--json', join(reports, 'python.json')],
    report: join(reports, 'python.json'),
    read: readPython,
  },
  ...['server-core', 'renderer', 'main'].map((ws) => ({
    name: ws,
    cwd: join(root, ws),
    needs: [join(root, ws, 'vitest.config.ts')],
    cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, ws + '.json')}`],
    report: join(reports, ws + '.json'),
    read: readVitest,
  })),
  { name: 'typecheck', cmd: ['npm', 'run', 'typecheck', '--silent'] },
  { name: 'lint', cmd: ['npm', 'run', 'lint', '--silent'] },
  {
    name: 'e2e',
    cwd: join(root, 'e2e'),
    needs: [join(root, 'e2e', 'playwright.config.ts')],
    cmd: ['npx', 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'e2e.json') },
    report: join(reports, 'e2e.json'),
    read: readPlaywright,
  },
].map((s) => ({ cwd: root, ...s }));

const { failed } = runSuites(suites, { only: process.argv.slice(2) });
process.exit(failed > 0 ? 1 : 0);
