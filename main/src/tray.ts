// The tray (menu-bar) icon: each app with its state and Start/Stop/Open, rebuilt when the Host reports a change.
// Rebuilds are coalesced: a burst of status events (a reload touches every worker) becomes one menu update.
import path from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import { menuTemplate } from './tray-menu.js';
import { trayModel, type TrayAction, type TrayModelInput } from './tray-model.js';

export interface TrayController {
  refresh(): void;
  destroy(): void;
}

export interface TrayOptions {
  readonly iconsDir: string;
  readonly platform: NodeJS.Platform;
  readonly input: () => TrayModelInput;
  readonly dispatch: (action: TrayAction) => void;
  /** Left click on the icon (Windows, most Linux trays): show the window. */
  readonly onClick: () => void;
}

const COALESCE_MS = 200;

function trayIcon(iconsDir: string, platform: NodeJS.Platform): Electron.NativeImage {
  // macOS menu bars want 16 pt (the 32 px file serves Retina); Windows 16 px; Linux trays scale a 32 px image.
  const size = platform === 'linux' ? 32 : 16;
  const image = nativeImage.createFromPath(path.join(iconsDir, `${size}x${size}.png`));
  if (platform === 'darwin' && !image.isEmpty()) {
    const retina = nativeImage.createFromPath(path.join(iconsDir, '32x32.png'));
    if (!retina.isEmpty()) image.addRepresentation({ scaleFactor: 2, buffer: retina.toPNG() });
  }
  return image;
}

export function createTray(options: TrayOptions): TrayController {
  const tray = new Tray(trayIcon(options.iconsDir, options.platform));
  let timer: NodeJS.Timeout | null = null;
  let destroyed = false;

  const rebuild = (): void => {
    timer = null;
    if (destroyed) return;
    const model = trayModel(options.input());
    tray.setToolTip(model.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.items, options.dispatch)));
  };

  // On macOS a click opens the menu; elsewhere a (left) click shows the window, the menu is on right click.
  if (options.platform !== 'darwin') tray.on('click', options.onClick);
  rebuild();
  return {
    refresh() {
      if (timer === null && !destroyed) timer = setTimeout(rebuild, COALESCE_MS);
    },
    destroy() {
      destroyed = true;
      if (timer !== null) clearTimeout(timer);
      tray.destroy();
    },
  };
}
