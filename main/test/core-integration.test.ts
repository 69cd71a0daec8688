// main's adapter against the real server-core (through its public entry only): a real Host with a temp home,
// the control API answering the window's origin, the demo app started with real Python workers, and quit
// leaving no worker behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApiClient } from '@gantry/server-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopCoreFor } from '../src/host-adapter.js';
import type { DesktopCore } from '../src/host-port.js';
import { stopEverything } from '../src/quit-sequence.js';
import { RENDERER_ORIGIN } from '../src/renderer-protocol.js';

const repo = path.resolve(import.meta.dirname, '..', '..');

/** Runs the gantry CLI without blocking this process: the API it talks to lives here. */
function gantry(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repo, 'server-core', 'bin', 'gantry.js'), ...args],
      { env, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('with the real server-core', () => {
  let home: string;
  let desktop: DesktopCore;

  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-main-core-'));
    desktop = await createDesktopCoreFor(path.join(repo, 'renderer', 'dist'))({
      home,
      workerDir: path.join(repo, 'app'),
      allowedOrigins: [RENDERER_ORIGIN],
    });
  });
  afterAll(async () => {
    if (desktop)
      await stopEverything(
        { stopAll: () => desktop.host.stopAll().then(() => desktop.api.close()), killAll: () => desktop.host.killAll() },
        { gracefulMs: 15_000, forceMs: 3_000 },
      );
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('listens on loopback and accepts the window’s origin with the token, refusing others', async () => {
    expect(desktop.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = `${desktop.api.url}/api/health`;
    const ok = await fetch(health, { headers: { authorization: `Bearer ${desktop.api.token}`, origin: RENDERER_ORIGIN } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(RENDERER_ORIGIN);
    const preflight = await fetch(health, {
      method: 'OPTIONS',
      headers: { origin: RENDERER_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect((await fetch(health, { headers: { origin: RENDERER_ORIGIN } })).status).toBe(401);
    expect(
      (await fetch(health, { headers: { authorization: `Bearer ${desktop.api.token}`, origin: 'https://evil.example' } })).status,
    ).toBe(403);
  });

  it("registers ui.json as `gantry ui` does: `gantry apps` finds the desktop's API, a second `gantry ui` on the home is refused", async () => {
    const info = JSON.parse(await fs.readFile(path.join(home, 'ui.json'), 'utf8')) as { url: string; token: string; pid: number };
    expect(info).toMatchObject({ url: desktop.api.url, token: desktop.api.token, pid: process.pid });
    const env = { ...process.env, GANTRY_HOME: home };
    const apps = await gantry(['apps', 'list', '--json'], env);
    expect(apps.code, apps.stderr).toBe(0);
    expect(apps.stdout).toContain('"id"');
    const second = await gantry(['ui', '--home', home, '--port', '0'], env);
    expect(second.code).toBe(1);
    // The home's lock names its holder: the desktop, by pid, and where its UI is.
    expect(second.stderr).toContain('GANTRY_ERR_HOME_LOCKED');
    expect(second.stderr).toContain(`already running for ${home}: Gantry desktop (pid ${process.pid}`);
    expect(second.stderr).toContain(desktop.api.url);
  });

  it('lists the demo app for the tray, starts it with real workers, and quit leaves none running', async () => {
    const apps = desktop.host.list();
    expect(apps.length).toBeGreaterThan(0);
    const demo = apps[0]!;
    expect(demo.state).toBe('stopped');
    await desktop.host.start(demo.id);
    const running = desktop.host.list().find((a) => a.id === demo.id)!;
    expect(running.state).toBe('running');
    const { workers } = await createApiClient({ baseUrl: desktop.api.url, token: desktop.api.token }).call('workers', {
      params: { id: demo.id },
    });
    const pids = workers.map((w) => w.pid).filter((p): p is number => p !== null);
    expect(pids.length).toBeGreaterThan(0);
    const outcome = await stopEverything(desktop.host, { gracefulMs: 15_000, forceMs: 3_000 });
    expect(outcome.kind).toBe('graceful');
    for (const pid of pids) expect(() => process.kill(pid, 0), `worker ${pid}`).toThrow();
  });
});
