// Gantry's Electron main process: a thin shell over server-core. It creates the Host and the control API in
// process, shows the UI in one secure window, keeps a tray icon with every app, turns crashes and timeouts
// into notifications, and on quit stops every app within a bounded time. Everything else is server-core's.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, protocol, screen, session, shell } from 'electron';
import { parseDesktopArgs, resolveGantryHome } from './args.js';
import { loadDesktopPrefs, saveDesktopPrefs, type DesktopPrefs } from './desktop-prefs.js';
import { realDesktopServices, realIpcMain } from './electron-real.js';
import { createDesktopCoreFor } from './host-adapter.js';
import type { DesktopServices } from './electron-port.js';
import type { DesktopCore } from './host-port.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { setLinuxAutostart } from './login-item.js';
import { createMainWindow } from './main-window.js';
import { decideNavigation } from './navigation-guard.js';
import { notificationFor } from './notifications.js';
import { isPermissionAllowed } from './permissions.js';
import { QuitController, type StoppableHost } from './quit-sequence.js';
import { RENDERER_ORIGIN, RENDERER_SCHEME, serveRendererRequest } from './renderer-protocol.js';
import { resourcePaths } from './resource-paths.js';
import { createTray, type TrayController } from './tray.js';
import type { TrayAction } from './tray-model.js';
import { fitToScreens, loadWindowState } from './window-state.js';

const log = (line: string): void => void process.stderr.write(line + '\n');

const args = parseDesktopArgs(process.argv.slice(1));
const home = resolveGantryHome(args, process.env, process.platform);
// server-core reads GANTRY_HOME; --gantry-home must reach it (tests run each app in a temp home).
process.env.GANTRY_HOME = home;
app.setName('Gantry');
// Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
if (process.platform === 'win32') app.setAppUserModelId('dev.gantry.desktop');
// Chromium's profile goes under Gantry's home too: the single-instance lock is per profile, so two test runs
// with different homes do not collide, and nothing is written to the real user folder during tests.
app.setPath('userData', path.join(home, 'electron'));

const distDir = path.dirname(fileURLToPath(import.meta.url));
const paths = resourcePaths(distDir, app.isPackaged, process.resourcesPath);
// Where the Python worker is: in a packaged app it sits outside the asar archive (resources/worker), where
// server-core cannot find it relative to its own files; server-core's app runtime reads GANTRY_WORKER_SCRIPT.
process.env.GANTRY_WORKER_SCRIPT ??= path.join(paths.workerDir, 'gantry_worker.py');
let core: DesktopCore | null = null;
let window: BrowserWindow | null = null;
let saveWindowState: () => Promise<void> = async () => {};
let tray: TrayController | null = null;
let prefs: DesktopPrefs = { startAtLogin: false, startMinimised: false };
let booted = false;
let toldAboutTray = false;
let services: DesktopServices | null = null;

let exitCode = 0; // 1 once boot failed, so a broken start is visible to whoever launched us
// Quitting stops the apps first (bounded, see quit-sequence.ts), then the control API.
const quitTarget = (c: DesktopCore): StoppableHost => ({
  stopAll: async () => {
    await saveWindowState();
    await c.host.stopAll();
    await c.api.close();
  },
  killAll: () => c.host.killAll(),
});
const quit = new QuitController(
  () => (core ? quitTarget(core) : null),
  (code) => app.exit(Math.max(code, exitCode)),
  undefined,
  log,
);

// Must run before 'ready', in one call: gantry:// behaves like https (standard: relative URLs and a real origin;
// secure: a secure context) and may serve the bundle's `<script type="module" crossorigin>` (corsEnabled), the
// same privileges VS Code gives its vscode-file:// scheme. No bypassCSP: our own CSP header applies.
protocol.registerSchemesAsPrivileged([
  { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);

if (!app.requestSingleInstanceLock()) {
  // Another Gantry owns this home; it shows its window (second-instance below) and we leave quietly.
  app.exit(0);
} else {
  app.on('second-instance', () => showWindow());
  app.on('before-quit', (event) => {
    if (quit.done) return;
    event.preventDefault();
    void quit.request();
  });
  app.on('window-all-closed', () => {
    if (tray === null) void quit.request();
  });
  app.on('activate', () => showWindow());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void quit.request());
  // Any webContents (even one we did not create) gets the same navigation lock and no permissions.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(boot).catch(fatal);
}

function showWindow(): void {
  // 'activate' and 'second-instance' can arrive before boot has registered gantry:// and the IPC handlers.
  if (!booted || quit.inProgress || quit.done) return;
  if (window === null || window.isDestroyed()) {
    window = openWindow(true);
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function openExternal(url: string): void {
  const decision = decideNavigation(url);
  if (decision.openExternally !== null) void shell.openExternal(decision.openExternally);
}

function openWindow(show: boolean, state: Parameters<typeof createMainWindow>[0]['state'] = null): BrowserWindow {
  const created = createMainWindow({
    preloadPath: paths.preloadPath,
    iconPath: path.join(paths.iconsDir, '512x512.png'),
    state,
    show,
    configDir: home,
    openExternal,
    hideOnClose: () => tray !== null && !quit.inProgress && !quit.done,
    onHidden: () => {
      // Once per run: a tray icon is easy to miss (some Linux desktops hide them), so say where Gantry went.
      if (toldAboutTray) return;
      toldAboutTray = true;
      services?.notify(
        'Gantry is still running',
        'Your apps keep serving. Reopen Gantry from its tray icon or by starting it again; quit from the tray menu.',
      );
    },
    log,
  });
  saveWindowState = created.saveState;
  return created.window;
}

async function boot(): Promise<void> {
  prefs = await loadDesktopPrefs(home);
  core = await createDesktopCoreFor(paths.rendererDir)({ home, workerDir: paths.workerDir, allowedOrigins: [RENDERER_ORIGIN] });
  const api = core.api;
  // The token stays out of logs; tests and scripts get it from window.gantry.api or GANTRY_HOME/ui.json.
  log(`gantry: control API on ${api.url} (home ${home})`);

  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl || contents.getURL())),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  protocol.handle(RENDERER_SCHEME, (request) => serveRendererRequest(paths.rendererDir, api.url, request.url));

  services = realDesktopServices({ window: () => window, onNotificationClick: showWindow });
  registerIpcHandlers({
    ipc: realIpcMain,
    services,
    trustedWebContentsId: () => (window !== null && !window.isDestroyed() ? window.webContents.id : null),
    bootstrap: () => ({ api: { url: api.url, token: api.token } }),
    appFolder: (appId) => core?.host.list().find((a) => a.id === appId)?.folder ?? null,
  });

  const saved = await loadWindowState(home);
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const bounds = saved ? fitToScreens(saved.bounds, workAreas) : null;
  // Login items get --minimised on Windows and Linux; macOS passes no arguments to them, but says it launched us.
  const openedAtLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
  const minimised = args.minimised || prefs.startMinimised || openedAtLogin;

  try {
    tray = createTray({
      iconsDir: paths.iconsDir,
      platform: process.platform,
      input: () => ({
        apps: core?.host.list() ?? [],
        startAtLogin: prefs.startAtLogin,
        startMinimised: prefs.startMinimised,
        loginItemSupported: true,
      }),
      dispatch: (action) => void runTrayAction(action),
      onClick: showWindow,
    });
  } catch (e) {
    // Some Linux desktops have no tray; the window then is the only way in, so it must show and close = quit.
    log(`gantry: no tray icon: ${String(e)}`);
    tray = null;
  }

  core.host.onStatusChange(() => tray?.refresh());
  core.host.onAppEvent((appInfo, event) => {
    const text = notificationFor(appInfo, event);
    if (text !== null) services?.notify(text.title, text.body);
  });

  window = openWindow(!minimised || tray === null, bounds && saved ? { bounds, maximized: saved.maximized } : null);
  booted = true;
}

async function runTrayAction(action: TrayAction): Promise<void> {
  try {
    switch (action.kind) {
      case 'show-window':
        return showWindow();
      case 'start':
        return await core?.host.start(action.appId);
      case 'stop':
        return await core?.host.stop(action.appId);
      case 'open-url':
        return openExternal(action.url);
      case 'toggle-start-at-login':
        return await updatePrefs({ ...prefs, startAtLogin: !prefs.startAtLogin });
      case 'toggle-start-minimised':
        return await updatePrefs({ ...prefs, startMinimised: !prefs.startMinimised });
      case 'quit':
        return void quit.request();
      default:
        return assertNever(action);
    }
  } catch (e) {
    log(`gantry: tray action ${action.kind} failed: ${String(e)}`);
  } finally {
    tray?.refresh();
  }
}

async function updatePrefs(next: DesktopPrefs): Promise<void> {
  const loginChanged = next.startAtLogin !== prefs.startAtLogin;
  prefs = next;
  await saveDesktopPrefs(home, prefs);
  if (!loginChanged) return;
  if (process.platform === 'linux') {
    // An AppImage's executable is the mount point's binary; APPIMAGE is the file the user actually has.
    const exe = process.env.APPIMAGE ?? process.execPath;
    // Unpackaged (npm start): electron plus the main/ folder, whichever way this run was launched.
    await setLinuxAutostart(
      prefs.startAtLogin,
      app.isPackaged ? [exe, '--minimised'] : [exe, path.dirname(distDir), '--minimised'],
      process.env,
      os.homedir(),
    );
  } else {
    app.setLoginItemSettings({ openAtLogin: prefs.startAtLogin, openAsHidden: true, args: ['--minimised'] });
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected tray action: ${JSON.stringify(value)}`);
}

function fatal(e: unknown): void {
  log(`gantry: could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  exitCode = 1;
  // Someone who double-clicked the app has no terminal: say why in a dialog (modal; on Linux before 'ready'
  // Electron prints it to stderr instead).
  dialog.showErrorBox('Gantry could not start', e instanceof Error ? e.message : String(e));
  void quit.request();
}

process.on('unhandledRejection', (e) => log(`gantry: unhandled rejection: ${String(e)}`));
