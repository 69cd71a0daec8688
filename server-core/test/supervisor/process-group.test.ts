// Nothing leaks: what the app forks lives in its worker's process group and is stopped with it — at an app
// stop (even a child that ignores SIGTERM), when the worker crashes, when gantry exits (serve on TERM, the
// Host of `gantry ui` on TERM) and when gantry itself is killed -9.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fetchRaw } from '../gateway/http-client.js';
import { gantryPerTest } from '../helpers/gantry.js';
import { FIXTURE_APPS, alive, appPerTest, until } from '../runtime/harness.js';
import { uiScope } from '../helpers/ui-scope.js';
import { freePort } from '../helpers/free-port.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const startApp = appPerTest();
const startGantry = gantryPerTest();
const ui = uiScope();
const defer = cleanupPerTest();

/** Asks the app to fork a child that sleeps; with `ignoreTerm`, waits until the child ignores SIGTERM. */
async function forkChild(url: string, ignoreTerm = false): Promise<number> {
  const r = await fetchRaw(`${url}/fork${ignoreTerm ? '?term=ignore' : ''}`);
  expect(r.status).toBe(200);
  const pid = Number(r.text());
  defer(() => alive(pid) && process.kill(pid, 'SIGKILL'));
  if (ignoreTerm) {
    await until(
      () => {
        const m = /SigIgn:\s+([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m !== null && (BigInt(`0x${m[1]}`) & (1n << 14n)) !== 0n;
      },
      10_000,
      'the child to ignore SIGTERM',
    );
  }
  expect(alive(pid)).toBe(true);
  return pid;
}

describe.skipIf(process.platform !== 'linux')("a worker's children [platform-specific: linux]", () => {
  it('are stopped with the app, even one that ignores SIGTERM', async () => {
    const app = await startApp({ workers: 1 });
    const polite = await forkChild(app.url);
    const stubborn = await forkChild(app.url, true);
    await app.runtime.stop({ graceful: true });
    await until(() => !alive(polite) && !alive(stubborn), 10_000, 'the children gone');
  }, 30_000);

  it('are stopped when their worker crashes', async () => {
    const app = await startApp({ workers: 1 });
    const child = await forkChild(app.url);
    expect((await fetchRaw(`${app.url}/crash`)).status).toBe(502);
    await until(() => !alive(child), 10_000, 'the child gone');
  }, 30_000);

  it('are stopped when gantry is killed -9', async () => {
    const proc = await startGantry({ chdir: FIXTURE_APPS, python: 'python3', args: ['-w', '1'], app: 'basic:application' });
    const child = await forkChild(proc.url, true);
    process.kill(proc.pid, 'SIGKILL');
    await until(() => !alive(child), 10_000, 'the child gone');
  }, 30_000);

  it('are stopped when gantry serve exits on TERM, even one that ignores SIGTERM', async () => {
    const proc = await startGantry({ chdir: FIXTURE_APPS, python: 'python3', args: ['-w', '1'], app: 'basic:application' });
    const polite = await forkChild(proc.url);
    const stubborn = await forkChild(proc.url, true);
    const exit = await proc.stop({ signal: 'SIGTERM', timeoutMs: 20_000 });
    expect(exit.code).toBe(0);
    await until(() => !alive(polite) && !alive(stubborn), 10_000, 'the children gone');
  }, 40_000);

  it('are stopped when gantry ui exits on TERM with the app running, even one that ignores SIGTERM', async () => {
    const home = await ui.tempDir('gantry-pgroup-');
    const gantryUi = await ui.startUi(home.path);
    const port = await freePort();
    const add = await gantryUi.api('POST', '/api/apps', {
      folder: FIXTURE_APPS,
      id: 'fixture',
      detect: false,
      settings: { app: 'basic:application', python: 'python3', bind: [`127.0.0.1:${port}`] },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const started = await gantryUi.api('POST', '/api/apps/fixture/start', { profile: 'staging' });
    expect(started.body.state, JSON.stringify(started.body)).toBe('running');
    const polite = await forkChild(`http://127.0.0.1:${port}`);
    const stubborn = await forkChild(`http://127.0.0.1:${port}`, true);
    await gantryUi.stop();
    await until(() => !alive(polite) && !alive(stubborn), 10_000, 'the children gone');
  }, 60_000);
});
