#!/usr/bin/env node
// `npm start`: build what changed (server-core, renderer, main), then open Gantry's Electron window. Where no
// Electron binary can run (headless box, binary never downloaded and not fetchable), say so in one line and
// serve the same UI to the browser instead (`gantry ui --open`), so the first command always ends in a UI.
// Arguments after `--` go to the app (e.g. `npm start -- --gantry-home /tmp/g`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserArgs } from './lib/browser-args.mjs';
import { electronBinary } from './lib/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `npm start -- …` strips the `--`; `node scripts/start.mjs -- …` does not.
const passthrough = process.argv[2] === '--' ? process.argv.slice(3) : process.argv.slice(2);
const FETCH_TIMEOUT_MS = 120_000;

/** Newest mtime under `p` (files only), skipping node_modules and dist. */
function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(p)) {
    if (name === 'node_modules' || name === 'dist') continue;
    max = Math.max(max, newest(path.join(p, name)));
  }
  return max;
}

function newestOutput(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(p)) max = Math.max(max, newestOutput(path.join(p, name)));
  return max;
}

/** Builds a workspace when its sources are newer than its dist/ (or dist/ is missing). */
function build(ws) {
  const dir = path.join(root, ws);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.build) return;
  const inputs = Math.max(
    ...['src', 'package.json', 'index.html', 'public'].map((f) => newest(path.join(dir, f))),
    ...readdirSync(dir)
      .filter((f) => /^(tsconfig.*|vite\.config\..*)$/.test(f))
      .map((f) => newest(path.join(dir, f))),
  );
  const outputs = newestOutput(path.join(dir, 'dist'));
  if (outputs > 0 && outputs >= inputs) return;
  const r = spawnSync('npm', ['run', 'build', '--silent', '-w', ws], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) {
    process.stderr.write(
      `${r.stdout ?? ''}${r.stderr ?? ''}\ngantry: building ${ws} failed (exit ${r.status ?? r.signal}); fix the errors above and run npm start again.\n`,
    );
    process.exit(1);
  }
}

function electronDir() {
  try {
    return path.dirname(createRequire(path.join(root, 'main', 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function check() {
  return electronBinary({
    env: process.env,
    platform: process.platform,
    electronDir: electronDir(),
    exists: (f) => existsSync(f),
    readText: (f) => (existsSync(f) ? readFileSync(f, 'utf8') : null),
  });
}

/** Runs electron's own install script (skipped at npm install, see package.json allowScripts), bounded. */
function fetchElectron(dir) {
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { cwd: dir, stdio: 'ignore', timeout: FETCH_TIMEOUT_MS });
  return r.status === 0;
}

function run(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  // Ctrl+C reaches the child through the terminal's process group; TERM from a supervisor is forwarded.
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

// GANTRY_SKIP_BUILD=1: use the dist/ folders as they are (CI and e2e build once beforehand).
if (process.env.GANTRY_SKIP_BUILD !== '1') for (const ws of ['server-core', 'renderer', 'main']) build(ws);

let found = check();
if (!found.ok && found.fetchable) {
  process.stderr.write('gantry: fetching the Electron binary…\n');
  found = fetchElectron(electronDir()) ? check() : found;
  if (!found.ok) found = { ...found, reason: 'the Electron binary is not downloaded and could not be fetched' };
}
if (found.ok) {
  run(found.binary, [path.join(root, 'main'), ...passthrough]);
} else {
  process.stdout.write(`Electron window unavailable (${found.reason}); serving the UI to your browser instead: gantry ui --open\n`);
  run(process.execPath, [path.join(root, 'server-core', 'bin', 'gantry.js'), 'ui', '--open', ...browserArgs(passthrough)]);
}
