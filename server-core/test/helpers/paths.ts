// Where things are, for tests that start real processes: the gantry bin, the worker launcher, fixtures.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const SERVER_CORE_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const REPO_ROOT = resolve(SERVER_CORE_DIR, '..');
export const GANTRY_BIN = join(SERVER_CORE_DIR, 'bin', 'gantry.js');
const GANTRY_DIST_CLI = join(SERVER_CORE_DIR, 'dist', 'cli', 'main.js');
/** The demo app the Host offers on first run. */
export const DEMO_APP = join(REPO_ROOT, 'app', 'examples', 'hello');
export const WORKER_LAUNCHER = join(REPO_ROOT, 'app', 'gantry_worker.py');
export const FIXTURE_PROJECTS = join(SERVER_CORE_DIR, 'test', 'fixtures', 'projects');

/** Debian's interpreter: the one apt's Flask, Django and gunicorn are installed for. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function fixtureProject(name: 'flaskapp' | 'djangosite' | 'echo'): string {
  return join(FIXTURE_PROJECTS, name);
}

/** The CLI runs from dist/: a missing build is a setup error, reported as such (not a skipped test). */
export function assertGantryBuilt(): void {
  if (!existsSync(GANTRY_DIST_CLI)) {
    throw new Error(`${GANTRY_DIST_CLI} is missing: run \`npm run build -w server-core\` first`);
  }
}
