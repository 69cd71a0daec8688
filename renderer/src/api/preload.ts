// What the Electron preload exposes as `window.gantry`: main/src/preload-api.ts's GantryBridge, imported as a
// type (never mirrored: a copy had already lost a channel). Every member is treated as optional: in a browser
// (`gantry ui`) there is no bridge at all.
import type { GantryBridge } from '../../../main/src/preload-api';

/** `window.gantry`: the preload's bridge, every member optional (in a browser there is no bridge at all). */
export type GantryPreload = Partial<GantryBridge>;

declare global {
  interface Window {
    gantry?: GantryPreload;
  }
}

export function preload(): GantryPreload | undefined {
  return typeof window === 'undefined' ? undefined : window.gantry;
}
