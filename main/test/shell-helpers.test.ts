// The small pure pieces of the shell: navigation decisions, notifications, argv, autostart entries,
// preferences, resource locations, and the tray model → Electron menu conversion.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDesktopArgs, resolveGantryHome } from '../src/args.js';
import { DEFAULT_PREFS, loadDesktopPrefs, parseDesktopPrefs, saveDesktopPrefs } from '../src/desktop-prefs.js';
import { autostartDesktopEntry, quoteExecArg, setLinuxAutostart } from '../src/login-item.js';
import { decideNavigation } from '../src/navigation-guard.js';
import { notificationFor } from '../src/notifications.js';
import { isPermissionAllowed } from '../src/permissions.js';
import { reloadDecision } from '../src/renderer-recovery.js';
import { resourcePaths } from '../src/resource-paths.js';
import { menuTemplate } from '../src/tray-menu.js';
import { trayModel, type TrayAction } from '../src/tray-model.js';

describe('navigation guard', () => {
  it('denies every navigation; http(s) goes to the system browser', () => {
    expect(decideNavigation('https://flask.palletsprojects.com/')).toEqual({
      action: 'deny',
      openExternally: 'https://flask.palletsprojects.com/',
    });
    expect(decideNavigation('http://127.0.0.1:8000/')).toEqual({ action: 'deny', openExternally: 'http://127.0.0.1:8000/' });
  });
  it('drops everything else', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'gantry://ui/index.html',
      'data:text/html,hi',
      'vscode://x',
      'https://u:p@example.org/',
    ]) {
      expect(decideNavigation(url), url).toEqual({ action: 'deny', openExternally: null });
    }
  });
});

describe('notifications', () => {
  const app = { name: 'blog' };
  it('for crashes, timeouts and boot errors', () => {
    expect(
      notificationFor(app, {
        type: 'worker-exit',
        time: 1,
        workerId: 2,
        pid: 4121,
        respawnInMs: 100,
        exit: { reason: 'crashed', code: null, signal: 'SIGSEGV', stderrTail: [], at: 1 },
      }),
    ).toEqual({
      title: 'blog: a worker crashed',
      body: 'Worker 2 (pid 4121) ended with signal SIGSEGV; it is being restarted.',
    });
    expect(
      notificationFor(app, {
        type: 'timeout',
        time: 1,
        requestId: 'r1',
        method: 'GET',
        path: '/slow',
        durationMs: 30_050,
        workerPid: 77,
        stack: '',
      }),
    ).toEqual({
      title: 'blog: request timed out',
      body: 'GET /slow ran for 30.1 s; worker 77 was replaced.',
    });
    expect(
      notificationFor(app, { type: 'boot-error', time: 1, error: { code: 'GANTRY_ERR_APP_IMPORT', message: "No module named 'blog'" } }),
    ).toEqual({
      title: 'blog failed to start',
      body: "No module named 'blog'",
    });
  });
  it('not for routine events', () => {
    expect(
      notificationFor(app, {
        type: 'worker-exit',
        time: 1,
        workerId: 1,
        pid: 1,
        respawnInMs: 0,
        exit: { reason: 'max-requests', code: 0, signal: null, stderrTail: [], at: 1 },
      }),
    ).toBeNull();
    expect(notificationFor(app, { type: 'reload', time: 1, phase: 'done', generation: 2, mode: 'rolling' })).toBeNull();
    expect(notificationFor(app, { type: 'scale', time: 1, from: 2, to: 3 })).toBeNull();
  });
});

describe('desktop args', () => {
  it('reads --gantry-home in both spellings, resolved against the cwd, and --minimised', () => {
    expect(parseDesktopArgs(['/usr/bin/electron', 'main', '--gantry-home', 'tmp/h'], '/w')).toEqual({
      gantryHome: '/w/tmp/h',
      minimised: false,
    });
    expect(parseDesktopArgs(['gantry', '--gantry-home=/x', '--minimised'], '/w')).toEqual({ gantryHome: '/x', minimised: true });
    expect(parseDesktopArgs(['gantry', '--no-sandbox', '--enable-logging', '--hidden'], '/w')).toEqual({
      gantryHome: null,
      minimised: true,
    });
    expect(parseDesktopArgs(['gantry', '--js-flags=--max-old-space-size=512', '--minimized', '--gantry-home'], '/w')).toEqual({
      gantryHome: null,
      minimised: true,
    });
  });
  it('resolves the home: flag, then GANTRY_HOME, then the platform default (server-core’s rule)', () => {
    const none = { gantryHome: null, minimised: false };
    expect(resolveGantryHome({ gantryHome: '/flag', minimised: false }, { GANTRY_HOME: '/env' }, 'linux')).toBe('/flag');
    expect(resolveGantryHome(none, { GANTRY_HOME: '/env' }, 'linux')).toBe('/env');
    expect(resolveGantryHome(none, {}, 'linux')).toBe(path.join(os.homedir(), '.config', 'gantry'));
    expect(resolveGantryHome(none, { XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/xdg/gantry');
    expect(resolveGantryHome(none, {}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Gantry'));
  });
});

describe('start at login on Linux', () => {
  it('writes an XDG autostart entry with a quoted Exec line', () => {
    expect(quoteExecArg('/opt/Gantry/gantry')).toBe('/opt/Gantry/gantry');
    expect(quoteExecArg('/home/me/My Apps/Gantry.AppImage')).toBe('"/home/me/My Apps/Gantry.AppImage"');
    expect(quoteExecArg('a"b$c')).toBe('"a\\"b\\$c"');
    const entry = autostartDesktopEntry(['/home/me/My Apps/Gantry.AppImage', '--minimised']);
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Gantry');
    expect(entry).toContain('Exec="/home/me/My Apps/Gantry.AppImage" --minimised\n');
  });
  it('adds and removes the file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-autostart-'));
    const env = { XDG_CONFIG_HOME: dir };
    await setLinuxAutostart(true, ['/opt/gantry'], env, '/nowhere');
    expect(await fs.readFile(path.join(dir, 'autostart', 'gantry.desktop'), 'utf8')).toContain('Exec=/opt/gantry');
    await setLinuxAutostart(false, ['/opt/gantry'], env, '/nowhere');
    await expect(fs.stat(path.join(dir, 'autostart', 'gantry.desktop'))).rejects.toThrow();
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('desktop preferences', () => {
  it('default when absent or corrupt, round-trip otherwise', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-prefs-'));
    expect(await loadDesktopPrefs(dir)).toEqual(DEFAULT_PREFS);
    expect(parseDesktopPrefs('{')).toEqual(DEFAULT_PREFS);
    expect(parseDesktopPrefs('{"startAtLogin":"yes"}')).toEqual(DEFAULT_PREFS);
    await saveDesktopPrefs(dir, { startAtLogin: true, startMinimised: false });
    expect(await loadDesktopPrefs(dir)).toEqual({ startAtLogin: true, startMinimised: false });
    expect(await fs.readdir(dir)).toEqual(['desktop.json']);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('resource paths', () => {
  it('checkout: beside the sources', () => {
    const p = resourcePaths('/repo/main/dist', false, '/ignored');
    expect(p).toEqual({
      rendererDir: '/repo/renderer/dist',
      workerDir: '/repo/app',
      iconsDir: '/repo/build/icons',
      preloadPath: '/repo/main/dist/preload.cjs',
    });
  });
  it('packaged: under resources, outside the asar (matches electron-builder.yml)', () => {
    const p = resourcePaths('/opt/Gantry/resources/app.asar/dist', true, '/opt/Gantry/resources');
    expect(p.rendererDir).toBe('/opt/Gantry/resources/renderer');
    expect(p.workerDir).toBe('/opt/Gantry/resources/worker');
    expect(p.iconsDir).toBe('/opt/Gantry/resources/icons');
    expect(p.preloadPath).toBe('/opt/Gantry/resources/app.asar/dist/preload.cjs');
  });
});

describe('tray menu template', () => {
  it('mirrors the model and dispatches each item’s action on click', () => {
    const dispatched: TrayAction[] = [];
    const model = trayModel({
      apps: [{ id: 'blog', name: 'Blog', folder: '/srv/blog', state: 'stopped', healthy: false, urls: [] }],
      startAtLogin: false,
      startMinimised: true,
      loginItemSupported: true,
    });
    const template = menuTemplate(model.items, (a) => dispatched.push(a));
    expect(template.map((t) => t.type ?? t.label)).toEqual([
      'Show Gantry',
      'separator',
      '○ Blog — stopped',
      'separator',
      'checkbox',
      'checkbox',
      'separator',
      'Quit Gantry',
    ]);
    const sub = template[2]!.submenu as { label?: string; enabled?: boolean; click?: () => void }[];
    expect(sub.map((s) => [s.label, s.enabled])).toEqual([
      ['Start', true],
      ['Stop', false],
      ['Open in browser', false],
    ]);
    sub[0]!.click!();
    (template[0]!.click as () => void)();
    (template.at(-1)!.click as () => void)();
    expect(dispatched).toEqual([{ kind: 'start', appId: 'blog' }, { kind: 'show-window' }, { kind: 'quit' }]);
    expect(template[5]).toMatchObject({ type: 'checkbox', label: 'Start minimised', checked: true });
  });
});

describe('permissions', () => {
  it('grants only clipboard writes, only to Gantry’s page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'gantry://ui/index.html')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'gantry://ui')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
      'serial',
      'usb',
      'display-capture',
    ]) {
      expect(isPermissionAllowed(p, 'gantry://ui/index.html'), p).toBe(false);
    }
  });
});

describe('renderer recovery', () => {
  it('reloads after a crash, at most three times a minute', () => {
    let recent: readonly number[] = [];
    const outcomes: boolean[] = [];
    for (const t of [0, 1_000, 2_000, 3_000]) {
      const d = reloadDecision('crashed', recent, t);
      recent = d.recent;
      outcomes.push(d.reload);
    }
    expect(outcomes).toEqual([true, true, true, false]);
    expect(reloadDecision('oom', recent, 61_000).reload).toBe(true); // the first reload has aged out
  });
  it('does not reload after a clean exit', () => {
    expect(reloadDecision('clean-exit', [], 0)).toEqual({ reload: false, recent: [] });
  });
});
