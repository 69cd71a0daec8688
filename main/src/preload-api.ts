// The bridge the preload exposes to the renderer as `window.gantry`, and the IPC channels behind it.
// Types only: the renderer imports these (`import type`) and the preload and main are checked against them.

/** Where the renderer finds the control API. The renderer sends `token` on every call, as in browser mode. */
interface GantryApiAddress {
  /** e.g. "http://127.0.0.1:43817" — no trailing slash. */
  readonly url: string;
  readonly token: string;
}

/** `window.gantry` in the Electron window; undefined in a browser (`gantry ui`). */
export interface GantryBridge {
  readonly api: GantryApiAddress;
  /** Opens the native folder picker; the chosen absolute path, or null when cancelled. */
  chooseFolder(): Promise<string | null>;
  /** A desktop notification (title ≤ 200 chars, body ≤ 1000). */
  notify(title: string, body: string): Promise<void>;
  /** Opens an http(s) URL in the system browser. Other schemes are refused. */
  openExternal(url: string): Promise<void>;
  /** Shows an absolute path in the system file manager. */
  revealFile(path: string): Promise<void>;
  /**
   * Opens a terminal in a registered app's project folder. The app is named by id: main looks its folder up,
   * so the renderer can never have a terminal opened anywhere else.
   */
  openTerminal(appId: string): Promise<void>;
  /** Opens the user's editor ($VISUAL, $EDITOR or a known one) on a registered app's project folder. */
  openEditor(appId: string): Promise<void>;
  /** process.platform of the machine: "darwin", "linux", "win32", … */
  readonly platform: string;
}

/** Every IPC channel: its arguments and its result. Main registers exactly these; the preload invokes only these. */
export interface GantryIpcContract {
  'gantry:choose-folder': { args: []; result: string | null };
  'gantry:notify': { args: [title: string, body: string]; result: void };
  'gantry:open-external': { args: [url: string]; result: void };
  'gantry:reveal-file': { args: [path: string]; result: void };
  'gantry:open-terminal': { args: [appId: string]; result: void };
  'gantry:open-editor': { args: [appId: string]; result: void };
}
export type GantryIpcChannel = keyof GantryIpcContract;

/** The one synchronous message, sent once while the preload runs, so `api` is set before any page script. */
export type GantryBootstrapChannel = 'gantry:bootstrap';
export interface GantryBootstrap {
  readonly api: GantryApiAddress;
}
