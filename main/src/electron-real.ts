// Binds the interfaces of electron-port.ts to the real Electron modules. The only file besides main.ts,
// main-window.ts and tray.ts that imports 'electron' at run time; assignments below make the compiler check
// that Electron's own types satisfy the ports.
import { BrowserWindow, dialog, ipcMain, Notification, shell } from 'electron';
import type { DesktopServices, IpcMainLike } from './electron-port.js';
import { editorCommand, launchDetached, terminalCommand, whichOnPath } from './open-in.js';

export const realIpcMain: IpcMainLike = ipcMain;

export interface DesktopServicesOptions {
  /** The window dialogs attach to (sheet on macOS); null shows an unparented dialog. */
  readonly window: () => BrowserWindow | null;
  /** Clicking a notification brings the window forward. */
  readonly onNotificationClick: () => void;
}

export function realDesktopServices(options: DesktopServicesOptions): DesktopServices {
  return {
    async chooseFolder() {
      const win = options.window();
      const props = {
        title: 'Choose a project folder',
        properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[],
      };
      const result = win ? await dialog.showOpenDialog(win, props) : await dialog.showOpenDialog(props);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    notify(title, body) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body, silent: false });
      n.on('click', options.onNotificationClick);
      n.show();
    },
    async openExternal(url) {
      await shell.openExternal(url, { activate: true });
    },
    revealFile(path) {
      shell.showItemInFolder(path);
    },
    async openTerminal(folder) {
      await launchDetached(terminalCommand(folder, process.platform, whichOnPath()));
    },
    async openEditor(folder) {
      await launchDetached(editorCommand(folder, process.env, whichOnPath()));
    },
  };
}
