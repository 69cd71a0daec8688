// `npm start` chooses the Electron window only when a binary can run, and otherwise says why in one line and
// falls back to `gantry ui --open`. Covers the decision, and runs the real script in this (headless) sandbox.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserArgs } from '../../scripts/lib/browser-args.mjs';
import { electronBinary } from '../../scripts/lib/electron-binary.mjs';

const dir = '/repo/node_modules/electron';
const withBinary = {
  exists: (f: string) => f === `${dir}/dist/electron`,
  readText: (f: string) => (f === `${dir}/path.txt` ? 'electron' : null),
};
const noBinary = { exists: () => false, readText: () => null };
const display = { DISPLAY: ':0' };

describe('electronBinary', () => {
  it('uses the downloaded binary when there is a display', () => {
    expect(electronBinary({ env: display, platform: 'linux', electronDir: dir, ...withBinary })).toEqual({
      ok: true,
      binary: `${dir}/dist/electron`,
    });
    expect(electronBinary({ env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux', electronDir: dir, ...withBinary }).ok).toBe(true);
    expect(electronBinary({ env: {}, platform: 'darwin', electronDir: dir, ...withBinary }).ok).toBe(true);
  });

  it('falls back on a headless Linux box without trying to fetch', () => {
    expect(electronBinary({ env: {}, platform: 'linux', electronDir: dir, ...withBinary })).toEqual({
      ok: false,
      reason: expect.stringContaining('headless'),
      fetchable: false,
    });
  });

  it('offers to fetch a binary that was never downloaded, unless downloads are switched off', () => {
    expect(electronBinary({ env: display, platform: 'linux', electronDir: dir, ...noBinary })).toEqual({
      ok: false,
      reason: 'the Electron binary is not downloaded',
      fetchable: true,
    });
    expect(
      electronBinary({ env: { ...display, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, platform: 'linux', electronDir: dir, ...noBinary }),
    ).toMatchObject({ ok: false, fetchable: false, reason: expect.stringContaining('ELECTRON_SKIP_BINARY_DOWNLOAD') });
  });

  it('treats path.txt pointing at a missing file as not downloaded', () => {
    expect(electronBinary({ env: display, platform: 'linux', electronDir: dir, exists: () => false, readText: () => 'electron' }).ok).toBe(
      false,
    );
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH and GANTRY_NO_ELECTRON', () => {
    expect(
      electronBinary({
        env: { ...display, ELECTRON_OVERRIDE_DIST_PATH: '/e' },
        platform: 'linux',
        electronDir: dir,
        exists: (f) => f === '/e/electron',
        readText: () => null,
      }),
    ).toEqual({ ok: true, binary: '/e/electron' });
    expect(electronBinary({ env: { ...display, GANTRY_NO_ELECTRON: '1' }, platform: 'linux', electronDir: dir, ...withBinary }).ok).toBe(
      false,
    );
  });

  it('falls back when the electron package itself is missing', () => {
    expect(electronBinary({ env: display, platform: 'linux', electronDir: null, ...noBinary })).toMatchObject({
      ok: false,
      fetchable: false,
    });
  });
});

describe('browserArgs', () => {
  it('maps the desktop options onto gantry ui', () => {
    expect(browserArgs(['--gantry-home', '/tmp/g', '--port', '8123'])).toEqual(['--home', '/tmp/g', '--port', '8123']);
    expect(browserArgs(['--gantry-home=/tmp/g', '--minimised'])).toEqual(['--home', '/tmp/g']);
    expect(browserArgs([])).toEqual([]);
  });
});

describe('scripts/start.mjs here (no display, no binary)', () => {
  it('prints one line saying so, then runs gantry ui --open', async () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    // GANTRY_SKIP_BUILD: this test checks the choice, not the builds; the child is stopped once it has started.
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], {
      cwd: root,
      env: {
        ...process.env,
        DISPLAY: '',
        WAYLAND_DISPLAY: '',
        GANTRY_SKIP_BUILD: '1',
        GANTRY_HOME: path.join(root, '.tmp', 'start-test-home'),
        BROWSER: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (out.includes('\n')) {
          clearInterval(check);
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(check);
        resolve();
      });
    });
    const first = out.split('\n')[0]!;
    expect(first).toBe(
      'Electron window unavailable (headless: neither DISPLAY nor WAYLAND_DISPLAY is set); serving the UI to your browser instead: gantry ui --open',
    );
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});
