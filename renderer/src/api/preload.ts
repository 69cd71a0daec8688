// What the Electron preload may expose as `window.gantry` (all optional: in a browser it is absent).
// Named functions only, never a generic channel call: see STYLE.md, "The preload is small and curated".

export interface ApiConnection {
  /** Origin of the control API, e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly baseUrl: string;
  readonly token: string;
}

export interface GantryPreload {
  /** The control API to talk to; a value or a function resolving to one. */
  readonly api?: ApiConnection | (() => ApiConnection | Promise<ApiConnection>);
  /** Native folder picker; resolves to the chosen absolute path, or null when cancelled. */
  readonly chooseFolder?: () => Promise<string | null>;
  /** Desktop notification (crashes, timeouts). */
  readonly notify?: (title: string, body: string) => void;
  /** Opens a URL in the user's browser instead of inside the window. */
  readonly openExternal?: (url: string) => void;
}

declare global {
  interface Window {
    gantry?: GantryPreload;
  }
}

export function preload(): GantryPreload | undefined {
  return typeof window === 'undefined' ? undefined : window.gantry;
}
