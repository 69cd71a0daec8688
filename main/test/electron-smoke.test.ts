// The real main process (main/dist/main.js) booted under plain Node with a stand-in 'electron' module
// (test/electron-smoke/fake-electron.mjs) and a stand-in server-core entry: checks main.ts's wiring — order of
// startup calls, the window's options and page, the preload bootstrap, IPC checks, navigation lock, tray, quit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const mainDir = path.resolve(import.meta.dirname, '..');
type Entry = { kind: string; [k: string]: any };

/** Runs dist/main.js under the fake Electron; the journal (and, unless `gantryHome` names another, the home) is a new temp folder. */
function runMain(
  env: Record<string, string>,
  extraArgs: string[] = [],
  gantryHome?: string,
): { code: number | null; journal: Entry[]; stderr: string; home: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-smoke-'));
  const journal = path.join(home, 'journal.jsonl');
  fs.writeFileSync(journal, '');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      path.join(mainDir, 'test', 'electron-smoke', 'register.mjs'),
      path.join(mainDir, 'dist', 'main.js'),
      '--gantry-home',
      gantryHome ?? home,
      ...extraArgs,
    ],
    {
      env: { ...process.env, GANTRY_HOME: '', FAKE_ELECTRON_JOURNAL: journal, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  const lines = fs
    .readFileSync(journal, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Entry);
  return { code: r.status, journal: lines, stderr: r.stderr, home };
}

const find = (j: Entry[], kind: string) => j.find((e) => e.kind === kind);
const index = (j: Entry[], kind: string) => j.findIndex((e) => e.kind === kind);

beforeAll(() => {
  const r = spawnSync(process.execPath, [path.resolve(mainDir, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: mainDir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`main build failed:\n${r.stdout}${r.stderr}`);
}, 60_000);

describe('main.js with a stand-in Electron and server-core', () => {
  let run: ReturnType<typeof runMain>;
  beforeAll(() => {
    run = runMain({ FAKE_CORE: '1' });
  }, 40_000);
  const j = () => run.journal;

  it('runs the whole scenario and exits 0 after a graceful quit', () => {
    expect(find(j(), 'scenario.error')).toBeUndefined();
    expect(run.code, run.stderr).toBe(0);
    expect(find(j(), 'app.exit')).toEqual({ kind: 'app.exit', code: 0 });
    expect(find(j(), 'app.quit')).toEqual({ kind: 'app.quit', prevented: true }); // held until the apps stopped
  });

  it('does the before-ready work before ready, in the right order', () => {
    expect(find(j(), 'app.setPath')).toEqual({
      kind: 'app.setPath',
      name: 'userData',
      value: path.join(run.home, 'electron'),
      ready: false,
    });
    expect(find(j(), 'protocol.registerSchemesAsPrivileged')).toMatchObject({
      ready: false,
      list: [{ scheme: 'gantry', privileges: { standard: true, secure: true, corsEnabled: true } }],
    });
    expect(find(j(), 'protocol.registerSchemesAsPrivileged')!.list[0].privileges.bypassCSP).toBeUndefined();
    expect(find(j(), 'app.requestSingleInstanceLock')).toMatchObject({ ready: false });
    expect(find(j(), 'protocol.handle')).toMatchObject({ scheme: 'gantry', ready: true });
    expect(index(j(), 'protocol.handle')).toBeLessThan(index(j(), 'BrowserWindow.loadURL'));
  });

  it('opens one secure window on gantry://ui/index.html with the compiled preload', () => {
    const windows = j().filter((e) => e.kind === 'BrowserWindow.new');
    expect(windows).toHaveLength(1);
    const web = windows[0]!.options.webPreferences;
    expect(web).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: path.join(mainDir, 'dist', 'preload.cjs'),
    });
    expect(fs.existsSync(web.preload)).toBe(true);
    expect(find(j(), 'BrowserWindow.loadURL')).toEqual({ kind: 'BrowserWindow.loadURL', url: 'gantry://ui/index.html' });
    expect(find(j(), 'BrowserWindow.show')).toBeDefined();
  });

  it('serves the page with the CSP naming the API origin, and nothing outside renderer/dist', () => {
    const api = find(j(), 'preload.bootstrap')!.window.api.url as string;
    const page = find(j(), 'page.index')!;
    // 200 once the renderer is built (npm test builds it first); the CSP is on every response either way.
    expect(page.status).toBe(fs.existsSync(path.resolve(mainDir, '..', 'renderer', 'dist', 'index.html')) ? 200 : 404);
    expect(page.csp).toContain(`connect-src ${api};`);
    expect(page.csp).toContain("script-src 'self'");
    expect(find(j(), 'page.escape')).toMatchObject({ status: 404 });
  });

  it('hands the API address to the window only, and the API answers', () => {
    const boot = find(j(), 'preload.bootstrap')!;
    expect(boot.window.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(boot.window.api.token).toBe('smoke-token');
    expect(boot.stranger).toBeNull();
    expect(find(j(), 'api.health')).toMatchObject({ status: 200, body: { allowedOrigins: ['gantry://ui'] } });
  });

  it('answers the six channels, refusing bad arguments and strangers', () => {
    expect(find(j(), 'ipc')).toEqual({
      kind: 'ipc',
      chooseFolder: { ok: true, value: '/home/me/site' },
      openExternalFile: { ok: false, code: 'GANTRY_ERR_IPC_ARGUMENT' },
      revealFromStranger: { ok: false, code: 'GANTRY_ERR_IPC_SENDER' },
      terminalForPath: { ok: false, code: 'GANTRY_ERR_IPC_ARGUMENT' },
      editorFromStranger: { ok: false, code: 'GANTRY_ERR_IPC_SENDER' },
      channels: [
        'gantry:choose-folder',
        'gantry:notify',
        'gantry:open-editor',
        'gantry:open-external',
        'gantry:open-terminal',
        'gantry:reveal-file',
      ],
    });
  });

  it('locks navigation and sends http(s) links to the system browser', () => {
    expect(find(j(), 'navigation')).toEqual({
      kind: 'navigation',
      prevented: true,
      open: { action: 'deny' },
      openFile: { action: 'deny' },
    });
    const opened = j()
      .filter((e) => e.kind === 'shell.openExternal')
      .map((e) => e.url);
    expect(opened).toEqual(['https://docs.python.org/3/', 'https://flask.palletsprojects.com/']);
    expect(find(j(), 'permissions')).toEqual({ kind: 'permissions', clipboard: true, camera: false });
  });

  it('keeps the tray in step with the Host and notifies a crash', () => {
    expect(find(j(), 'tray.before')).toEqual({ kind: 'tray.before', tooltip: 'Gantry — 0 of 1 running', label: '○ Blog — stopped' });
    expect(find(j(), 'tray.after')).toEqual({ kind: 'tray.after', tooltip: 'Gantry — 1 of 1 running', label: '● Blog — running' });
    expect(find(j(), 'notification')).toEqual({
      kind: 'notification',
      title: 'Blog: a worker crashed',
      body: 'Worker 1 (pid 4242) ended with signal SIGSEGV; it is being restarted.',
    });
  });

  it('hides the window on close (the tray keeps the apps reachable) and saves its bounds', () => {
    expect(find(j(), 'window.close')).toEqual({ kind: 'window.close', prevented: true });
    expect(find(j(), 'BrowserWindow.hide')).toBeDefined();
    expect(
      j()
        .filter((e) => e.kind === 'notification')
        .map((e) => e.title),
    ).toEqual(['Blog: a worker crashed', 'Gantry is still running']);
    const saved = JSON.parse(fs.readFileSync(path.join(run.home, 'window-state.json'), 'utf8'));
    expect(saved).toMatchObject({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
  });
});

describe('main.js, other starts', () => {
  it('a second instance leaves at once, without a Host or a window', () => {
    const run = runMain({ FAKE_CORE: '1', FAKE_SECOND_INSTANCE: '1' });
    expect(run.code).toBe(0);
    expect(find(run.journal, 'app.exit')).toEqual({ kind: 'app.exit', code: 0 });
    expect(find(run.journal, 'protocol.handle')).toBeUndefined();
    expect(find(run.journal, 'BrowserWindow.new')).toBeUndefined();
  });

  it('--minimised starts in the tray: the window is created but not shown', () => {
    const run = runMain({ FAKE_CORE: '1' }, ['--minimised']);
    expect(run.code, run.stderr).toBe(0);
    expect(find(run.journal, 'BrowserWindow.new')).toBeDefined();
    expect(find(run.journal, 'tray.new')).toBeDefined();
    expect(find(run.journal, 'BrowserWindow.show')).toBeUndefined();
  });
});

describe('main.js with the real server-core and Python workers', () => {
  it('starts the demo app from the tray, and quitting leaves no worker running', () => {
    const run = runMain({ FAKE_SCENARIO: 'real-host' });
    expect(find(run.journal, 'scenario.error')).toBeUndefined();
    expect(run.code, run.stderr).toBe(0);
    expect(find(run.journal, 'tray.before')!.label).toMatch(/^○ .* — stopped$/);
    expect(find(run.journal, 'tray.after')!.label).toMatch(/^● .* — running$/);
    const pids = find(run.journal, 'workers')!.pids as number[];
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(() => process.kill(pid, 0), `worker ${pid} survived`).toThrow();
    expect(run.stderr).toMatch(/gantry: control API on http:\/\/127\.0\.0\.1:\d+ \(home /);
    const token = find(run.journal, 'preload.bootstrap')!.window.api.token as string;
    expect(token.length).toBeGreaterThan(16);
    expect(run.stderr).not.toContain(token); // the token never reaches the log
  }, 60_000);
});

describe('main.js when the Host cannot be created', () => {
  it('says why in an error dialog and exits 1', () => {
    // The stand-in core is left out: the real entry is used, and a home that is a file cannot hold a config.
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-smoke-bad-')), 'not-a-dir');
    fs.writeFileSync(bad, 'x');
    const r = runMain({ FAKE_CORE: '' }, [], bad);
    const lines = r.journal;
    expect(r.code).toBe(1);
    expect(find(lines, 'dialog.showErrorBox')).toMatchObject({ title: 'Gantry could not start' });
    expect(find(lines, 'BrowserWindow.new')).toBeUndefined();
    expect(r.stderr).toContain('gantry: could not start:');
  });
});
