// Starts one real `gantry ui --port 0 --home <temp>` for the whole run (built beforehand by the test
// command), reads the URL it prints, and hands it to the specs through the environment. The returned
// function stops it and removes the temp folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  // Each run's screenshots replace the last run's, so what is there is what this build looks like.
  rmSync(path.join(root, 'e2e', 'test-results', 'screens'), { recursive: true, force: true });
  const home = mkdtempSync(path.join(tmpdir(), 'gantry-e2e-'));
  const child = spawn(
    process.execPath,
    [path.join(root, 'server-core/bin/gantry.js'), 'ui', '--port', '0', '--home', home, '--sites-http', '0', '--sites-https', '0'],
    {
      cwd: root,
      env: { ...process.env, GANTRY_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gantry ui printed no URL within 30 s:\n${log}`)), 30_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /Gantry UI: (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gantry ui exited (${code}) before printing its URL:\n${log}`));
    });
  });
  process.env.GANTRY_E2E_URL = url;
  process.env.GANTRY_E2E_HOME = home;
  process.env.GANTRY_E2E_ROOT = root;

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // Every stop is bounded: a graceful stop of all apps, then a kill.
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(home, { recursive: true, force: true });
  };
}
