// Nothing leaks: what the app forks lives in its worker's process group and is stopped with it — at an app
// stop (even a child that ignores SIGTERM), when the worker crashes, when gantry exits (serve on TERM, the
// Host of `gantry ui` on TERM) and when gantry itself is killed -9.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchRaw } from '../gateway/http-client.js';
import { assertGantryBuilt } from '../helpers/paths.js';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { FIXTURE_APPS, alive, startApp, until, type Running } from '../runtime/harness.js';
import { startUi } from '../helpers/gantry-ui.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { freePort } from '../helpers/free-port.js';

let app: Running | null = null;
let proc: HttpServer | null = null;
const children: number[] = [];
afterEach(async () => {
  await app?.stop();
  app = null;
  await proc?.stop({ signal: 'SIGKILL', timeoutMs: 2000 });
  proc = null;
  for (const pid of children.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Asks the app to fork a child that sleeps; with `ignoreTerm`, waits until the child ignores SIGTERM. */
async function forkChild(url: string, ignoreTerm = false): Promise<number> {
  const r = await fetchRaw(`${url}/fork${ignoreTerm ? '?term=ignore' : ''}`);
  expect(r.status).toBe(200);
  const pid = Number(r.text());
  children.push(pid);
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
    app = await startApp({ workers: 1 });
    const polite = await forkChild(app.url);
    const stubborn = await forkChild(app.url, true);
    await app.runtime.stop({ graceful: true });
    app = null;
    await until(() => !alive(polite) && !alive(stubborn), 10_000, 'the children gone');
  }, 30_000);

  it('are stopped when their worker crashes', async () => {
    app = await startApp({ workers: 1 });
    const child = await forkChild(app.url);
    expect((await fetchRaw(`${app.url}/crash`)).status).toBe(502);
    await until(() => !alive(child), 10_000, 'the child gone');
  }, 30_000);

  it('are stopped when gantry is killed -9', async () => {
    proc = await startGantry({ chdir: FIXTURE_APPS, python: 'python3', args: ['-w', '1'], app: 'basic:application' });
    const child = await forkChild(proc.url, true);
    process.kill(proc.pid, 'SIGKILL');
    await until(() => !alive(child), 10_000, 'the child gone');
  }, 30_000);

  it('are stopped when gantry serve exits on TERM, even one that ignores SIGTERM', async () => {
    proc = await startGantry({ chdir: FIXTURE_APPS, python: 'python3', args: ['-w', '1'], app: 'basic:application' });
    const polite = await forkChild(proc.url);
    const stubborn = await forkChild(proc.url, true);
    const exit = await proc.stop({ signal: 'SIGTERM', timeoutMs: 20_000 });
    expect(exit.code).toBe(0);
    await until(() => !alive(polite) && !alive(stubborn), 10_000, 'the children gone');
  }, 40_000);

  it('are stopped when gantry ui exits on TERM with the app running, even one that ignores SIGTERM', async () => {
    assertGantryBuilt();
    const home = await makeTempDir('gantry-pgroup-');
    const ui = await startUi(home.path);
    try {
      const port = await freePort();
      const add = await ui.api('POST', '/api/apps', {
        folder: FIXTURE_APPS,
        id: 'fixture',
        detect: false,
        settings: { app: 'basic:application', python: 'python3', bind: [`127.0.0.1:${port}`] },
      });
      expect(add.status, JSON.stringify(add.body)).toBe(200);
      const started = await ui.api('POST', '/api/apps/fixture/start', { profile: 'staging' });
      expect(started.body.state, JSON.stringify(started.body)).toBe('running');
      const polite = await forkChild(`http://127.0.0.1:${port}`);
      const stubborn = await forkChild(`http://127.0.0.1:${port}`, true);
      await ui.stop();
      await until(() => !alive(polite) && !alive(stubborn), 10_000, 'the children gone');
    } finally {
      await ui.stop();
      await home.remove();
    }
  }, 60_000);
});
