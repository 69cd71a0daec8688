// A stop that races a restart (a profile switch) through a real `gantry ui` with real workers: whenever it
// arrives — with the restart, while the old workers stop, while the new ones boot, once they are all there —
// the app ends stopped, promptly (never a wait for --graceful-timeout with nothing in flight), and the last
// word is the stop's: a restart that was still to start the app does not bring it back. A stop sent while
// workers are still importing a slow app stops it then, not once the boot is over.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import type { Ui } from '../helpers/gantry-ui.js';
import type { TempDir } from '../helpers/tempdir.js';
import { uiScope } from '../helpers/ui-scope.js';
import { freePort } from '../helpers/free-port.js';
import { readdirSync, readlinkSync } from 'node:fs';

/** Processes whose working folder is `folder` (the app's workers run there). */
function processesIn(folder: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readlinkSync(`/proc/${p}/cwd`) === folder) out.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

const s = uiScope('file');
let work: TempDir;
let ui: Ui;
beforeAll(async () => {
  const home = await s.tempDir('gantry-race-');
  work = await s.tempDir('gantry-race-work-');
  ui = await s.startUi(home.path);
});

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const status = async (id: string): Promise<{ state: string; profile: string | null }> =>
  (await ui.api('GET', `/api/apps/${id}/status`)).body;
const workerCount = async (id: string): Promise<number> => ((await ui.api('GET', `/api/apps/${id}/workers`)).body.workers ?? []).length;

/** When, during the restart to staging (4 workers), the stop is sent. */
const MOMENTS: ReadonlyArray<[string, (id: string) => Promise<void>]> = [
  ['with the restart', async () => undefined],
  [
    'while the new workers boot',
    async (id) =>
      until('the staging runtime to be starting', 20_000, async () => {
        const s = await status(id);
        return s.profile === 'staging';
      }),
  ],
  ['once all new workers are there', async (id) => until('4 workers', 20_000, async () => (await workerCount(id)) === 4)],
];

describe('stop racing a profile restart', () => {
  it('ends stopped, promptly, whenever the stop arrives', async () => {
    const folder = join(work.path, 'site');
    await mkdir(folder, { recursive: true });
    // Boots take a moment, so every phase of the restart is wide enough to land a stop in.
    await writeFile(
      join(folder, 'app.py'),
      'import time\ntime.sleep(0.3)\n\ndef application(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain")])\n    return [b"ok"]\n',
    );
    const port = await freePort();
    const add = await ui.api('POST', '/api/apps', {
      folder,
      id: 'site',
      detect: false,
      // A grace long enough that waiting for it cannot pass for promptness.
      settings: { app: 'app:application', python: SYSTEM_PYTHON, bind: [`127.0.0.1:${port}`], gracefulTimeout: 60 },
      profiles: { dev: { workers: 1 }, staging: { workers: 4 } },
      activeProfile: 'dev',
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    for (const [when, wait] of MOMENTS) {
      for (let round = 0; round < Number(process.env.RACE_ROUNDS ?? 2); round++) {
        const started = await ui.api('POST', '/api/apps/site/start', { profile: 'dev' });
        expect(started.body.state, `${when}: ${JSON.stringify(started.body)}`).toBe('running');
        const restart = ui.api('POST', '/api/apps/site/restart', { profile: 'staging' });
        await wait('site');
        const t0 = performance.now();
        const stop = await ui.api('POST', '/api/apps/site/stop', {});
        const ms = performance.now() - t0;
        const restarted = await restart;
        console.log(
          `stop sent ${when}: answered in ${ms.toFixed(0)} ms; restart answered ${restarted.status} ${restarted.body.state ?? restarted.body.code}`,
        );
        expect(stop.status, JSON.stringify(stop.body)).toBe(200);
        expect(ms, `stop sent ${when} took ${ms.toFixed(0)} ms`).toBeLessThan(15_000);
        expect((await status('site')).state, `stop sent ${when}`).toBe('stopped');
        expect(await workerCount('site')).toBe(0);
      }
    }
  }, 240_000);

  for (const gatewayProcesses of [1, 2]) {
    it(`a stop sent while the workers still import a slow app stops it at once (${gatewayProcesses} gateway process${gatewayProcesses > 1 ? 'es' : ''})`, async () => {
      const id = `slow${gatewayProcesses}`;
      const folder = join(work.path, id);
      await mkdir(folder, { recursive: true });
      // An import that takes 40 s (a database that does not answer at import time).
      await writeFile(
        join(folder, 'app.py'),
        'import time\ntime.sleep(40)\n\ndef application(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n',
      );
      const port = await freePort();
      const add = await ui.api('POST', '/api/apps', {
        folder,
        id,
        detect: false,
        settings: { app: 'app:application', python: SYSTEM_PYTHON, bind: [`127.0.0.1:${port}`] },
        profiles: { dev: { workers: 2, gatewayProcesses, reload: false } },
        activeProfile: 'dev',
      });
      expect(add.status, JSON.stringify(add.body)).toBe(200);
      const start = ui.api('POST', `/api/apps/${id}/start`, {});
      await until(
        'the workers to be importing',
        20_000,
        async () => (await status(id)).state === 'starting' && processesIn(folder).length >= 2,
      );
      const t0 = performance.now();
      const stop = await ui.api('POST', `/api/apps/${id}/stop`, {});
      const ms = performance.now() - t0;
      const started = await start;
      console.log(
        `stop during a 40 s import (${gatewayProcesses} gateway processes): answered in ${ms.toFixed(0)} ms; the start answered ${started.status} ${started.body.code ?? started.body.state} ${started.body.message ?? ''}`,
      );
      expect(stop.status, JSON.stringify(stop.body)).toBe(200);
      expect(ms).toBeLessThan(15_000);
      expect((await status(id)).state).toBe('stopped');
      await until('the importing workers gone', 10_000, async () => processesIn(folder).length === 0);
      // The start that was cut short says why, as an expected state error (never a 500).
      expect(started.status).toBe(409);
      expect(started.body.code).toBe('GANTRY_ERR_APP_STATE');
    }, 120_000);
  }
});
