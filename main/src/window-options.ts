// The BrowserWindow options of Gantry's window. Every security-relevant webPreference is set explicitly,
// even where it is Electron's default, so a change of default or a careless edit shows up in the tests.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import type { WindowBounds } from './window-state.js';

export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;
const MIN_SIZE = { width: 720, height: 480 } as const;

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (dist/preload.cjs). */
  readonly preloadPath: string;
  /** Remembered bounds, already checked to be on a screen; null for the default size, centred. */
  readonly bounds: WindowBounds | null;
  /** False when starting minimised: the window is created hidden and shown from the tray. */
  readonly show: boolean;
  readonly iconPath?: string;
}

function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const b = input.bounds;
  return {
    title: 'Gantry',
    width: b?.width ?? DEFAULT_SIZE.width,
    height: b?.height ?? DEFAULT_SIZE.height,
    ...(b ? { x: b.x, y: b.y } : { center: true }),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false, // shown on 'ready-to-show' (when input.show) so the window never flashes white
    backgroundColor: '#1e1f22',
    autoHideMenuBar: true,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: secureWebPreferences(input.preloadPath),
  };
}
