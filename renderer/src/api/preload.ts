// What the Electron preload exposes as `window.gantry` (main/src/preload-api.ts, GantryBridge), mirrored
// here rather than imported so the renderer depends on nothing but the control contract. Every member is
// treated as optional: in a browser (`gantry ui`) there is no bridge at all.

export interface ApiConnection {
  /** Origin of the control API, e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly baseUrl: string;
  readonly token: string;
}

/** As the bridge spells it: `url`, not `baseUrl`. */
export interface BridgeApiAddress {
  readonly url: string;
  readonly token: string;
}

export interface GantryPreload {
  /** The control API to talk to. */
  readonly api?: BridgeApiAddress;
  /** Native folder picker; resolves to the chosen absolute path, or null when cancelled. */
  readonly chooseFolder?: () => Promise<string | null>;
  /** Desktop notification (crashes, timeouts). */
  readonly notify?: (title: string, body: string) => Promise<void> | void;
  /** Opens an http(s) URL in the system browser instead of inside the window. */
  readonly openExternal?: (url: string) => Promise<void> | void;
  /** Shows an absolute path in the system file manager. */
  readonly revealFile?: (path: string) => Promise<void> | void;
  readonly platform?: string;
}

declare global {
  interface Window {
    gantry?: GantryPreload;
  }
}

export function preload(): GantryPreload | undefined {
  return typeof window === 'undefined' ? undefined : window.gantry;
}
