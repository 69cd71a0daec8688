// Port checks: a taken port is reported with the process holding it (ourselves here), and a free one suggested.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describePortHolder } from '../../src/control/contract.js';
import { findPortHolder, nextFreePort, probeBind } from '../../src/host/ports.js';
import { assertGantryBuilt, SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { requireTool } from '../helpers/tools.js';
import { cleanupPerTest } from '../helpers/per-test.js';
import { tempDirPerTest } from '../helpers/tempdir.js';

const defer = cleanupPerTest();
const tempDir = tempDirPerTest('gantry-ports-');

/** A loopback listener on a free port, closed after the test (or before, by `close`). */
async function occupy(): Promise<{ port: number; close(): Promise<void> }> {
  const s = net.createServer();
  const close = (): Promise<void> => new Promise((r) => s.close(() => r()));
  defer(close);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, close };
}

/** Root can make processes of other users; a non-root run cannot test this (CI runs as root). */
function requireRoot(): string {
  if (process.getuid?.() === 0) return '';
  const reason = 'needs root to start a listener as another user';
  if (process.env.CI === 'true') throw new Error(`${reason}; CI runs .ci/run as root`);
  process.stderr.write(`\n*** SKIPPING: ${reason}. These tests did NOT run. ***\n\n`);
  return reason;
}

describe('ports', () => {
  it('a listening port is not free, and its holder is this process', async () => {
    const { port } = await occupy();
    const probe = await probeBind('127.0.0.1', port);
    expect(probe).toMatchObject({ free: false, code: 'EADDRINUSE' });
    const holder = await findPortHolder(port);
    expect(holder?.pid).toBe(process.pid);
    expect(holder?.command).toContain('node');
  });

  it('suggests the next free port, skipping excluded ones', async () => {
    const { port } = await occupy();
    const next = await nextFreePort('127.0.0.1', port, new Set([port + 1]));
    expect(next).not.toBeNull();
    expect(next!).toBeGreaterThan(port + 1);
    expect((await probeBind('127.0.0.1', next!)).free).toBe(true);
  });

  it('a port nobody holds has no holder', async () => {
    const { port, close } = await occupy();
    await close();
    expect(await findPortHolder(port)).toBeNull();
  });

  it("another user's listener: the user is named, and the pid where we may look", async (ctx) => {
    // Counted as skipped (not passed) where it cannot run; on CI requireRoot throws instead.
    if (requireRoot() !== '') return ctx.skip();
    const setpriv = requireTool('setpriv', 'util-linux');
    if (!setpriv.path) return ctx.skip();
    assertGantryBuilt();
    // A listener owned by nobody (65534).
    const listener = spawn(
      setpriv.path,
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        SYSTEM_PYTHON,
        '-c',
        'import socket, sys\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen()\nprint(s.getsockname()[1], flush=True)\nsys.stdin.read()',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    defer(() => listener.kill());
    const port = await new Promise<number>((resolve, reject) => {
      listener.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      listener.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
    });
    // Root may look into every process: pid, command and user.
    const asRoot = await findPortHolder(port);
    expect(asRoot).toMatchObject({ pid: listener.pid, user: 'nobody' });
    expect(asRoot?.command).toContain('python3');
    // Another unprivileged user may not: the user only, and the words the UI shows. That user runs a copy of
    // the compiled module (on Linux it loads only node:*) from a folder it may read, wherever the checkout is.
    const dir = (await tempDir()).path;
    chmodSync(dir, 0o755);
    copyFileSync(join(SERVER_CORE_DIR, 'dist', 'host', 'ports.js'), join(dir, 'ports.mjs'));
    chmodSync(join(dir, 'ports.mjs'), 0o644);
    const script = `import(${JSON.stringify(join(dir, 'ports.mjs'))}).then(async (m) => console.log(JSON.stringify(await m.findPortHolder(${port}))))`;
    const looked = spawnSync(setpriv.path, ['--reuid=65533', '--regid=65533', '--clear-groups', process.execPath, '-e', script], {
      encoding: 'utf8',
    });
    expect(looked.status, looked.stderr).toBe(0);
    const holder = JSON.parse(looked.stdout);
    expect(holder).toEqual({ pid: null, command: null, user: 'nobody' });
    expect(describePortHolder(holder)).toBe('a process of user nobody');
  });
});
