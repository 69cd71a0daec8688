// Gantry's one window: secure options, the gantry://ui page, navigation locked down, size and position
// remembered. Closing it hides it when a tray icon can bring it back (apps keep serving); otherwise it quits.
import { BrowserWindow } from 'electron';
import { decideNavigation } from './navigation-guard.js';
import { RENDERER_INDEX_URL } from './renderer-protocol.js';
import { reloadDecision } from './renderer-recovery.js';
import { windowOptions } from './window-options.js';
import { saveWindowState, type WindowState } from './window-state.js';

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly iconPath: string;
  readonly state: WindowState | null;
  readonly show: boolean;
  /** Where window-state.json goes. */
  readonly configDir: string;
  readonly openExternal: (url: string) => void;
  /** True when closing should hide rather than destroy (a tray exists and we are not quitting). */
  readonly hideOnClose: () => boolean;
  /** Called each time closing hid the window instead of quitting. */
  readonly onHidden?: () => void;
  readonly log: (line: string) => void;
}

const SAVE_DEBOUNCE_MS = 500;

export interface MainWindow {
  readonly window: BrowserWindow;
  /** Saves the current size and position now and resolves once written (quit awaits it: app.exit closes the
   * window without 'close' events, and would otherwise cut a pending write short). */
  saveState(): Promise<void>;
}

export function createMainWindow(options: MainWindowOptions): MainWindow {
  const win = new BrowserWindow(
    windowOptions({
      preloadPath: options.preloadPath,
      bounds: options.state?.bounds ?? null,
      show: options.show,
      iconPath: options.iconPath,
    }),
  );
  const contents = win.webContents;

  const refuse = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    const decision = decideNavigation(url);
    if (decision.openExternally !== null) options.openExternal(decision.openExternally);
  };
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-frame-navigate', (details) => {
    if (!details.isMainFrame) refuse(details, details.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideNavigation(url);
    if (decision.openExternally !== null) options.openExternal(decision.openExternally);
    return { action: 'deny' };
  });

  win.once('ready-to-show', () => {
    if (!options.show) return;
    if (options.state?.maximized) win.maximize();
    win.show();
  });

  let saveTimer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const saveNow = (): Promise<void> => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = null;
    if (win.isDestroyed() || win.isMinimized()) return writing;
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    // Writes run one after another, so an older state never lands after a newer one.
    writing = writing
      .then(() => saveWindowState(options.configDir, state))
      .catch((e: unknown) => options.log(`gantry: could not save window state: ${String(e)}`));
    return writing;
  };
  const saveSoon = (): void => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveNow(), SAVE_DEBOUNCE_MS);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', (event) => {
    void saveNow();
    if (options.hideOnClose()) {
      event.preventDefault();
      win.hide();
      options.onHidden?.();
    }
  });

  let reloads: readonly number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    const decision = reloadDecision(details.reason, reloads, Date.now());
    reloads = decision.recent;
    options.log(`gantry: renderer ${details.reason} (exit ${details.exitCode})${decision.reload ? '; reloading the page' : ''}`);
    if (decision.reload && !win.isDestroyed()) contents.reload();
  });
  void win.loadURL(RENDERER_INDEX_URL).catch((e: unknown) => options.log(`gantry: could not load the UI: ${String(e)}`));
  return { window: win, saveState: saveNow };
}
