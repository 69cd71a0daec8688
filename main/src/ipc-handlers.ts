// Binds each IPC channel of preload-api.ts to one native service: check the sender, validate the
// arguments, run. One ipcMain.handle per channel and no generic dispatch, so the surface is this table.
import path from 'node:path';
import type { DesktopServices, IpcMainLike } from './electron-port.js';
import { IpcArgumentError, validators } from './ipc-validate.js';
import type { GantryBootstrap, GantryBootstrapChannel, GantryIpcChannel, GantryIpcContract } from './preload-api.js';
import { assertTrustedSender } from './sender-check.js';

export const BOOTSTRAP_CHANNEL: GantryBootstrapChannel = 'gantry:bootstrap';

type Runners = {
  readonly [C in GantryIpcChannel]: (deps: IpcDeps, ...args: GantryIpcContract[C]['args']) => Promise<GantryIpcContract[C]['result']>;
};

const runners: Runners = {
  'gantry:choose-folder': (d) => d.services.chooseFolder(),
  'gantry:notify': async (d, title, body) => d.services.notify(title, body),
  'gantry:open-external': (d, url) => d.services.openExternal(url),
  'gantry:reveal-file': async (d, p) => d.services.revealFile(p),
  'gantry:open-terminal': (d, appId) => d.services.openTerminal(appFolderOf(d, 'gantry:open-terminal', appId)),
  'gantry:open-editor': (d, appId) => d.services.openEditor(appFolderOf(d, 'gantry:open-editor', appId)),
};

/** The folder of a registered app: the renderer names an app, never a path, so nothing else can be opened. */
function appFolderOf(deps: IpcDeps, channel: GantryIpcChannel, appId: string): string {
  const folder = deps.appFolder(appId);
  if (folder === null) throw new IpcArgumentError(channel, 'no registered app has this id');
  if (!path.isAbsolute(folder) && !path.win32.isAbsolute(folder))
    throw new IpcArgumentError(channel, "the app's folder is not an absolute path");
  return folder;
}

/** Every channel main answers with ipcMain.handle — exactly the keys of GantryIpcContract. */
export const IPC_CHANNELS = Object.keys(runners) as GantryIpcChannel[];

export interface IpcDeps {
  readonly ipc: IpcMainLike;
  readonly services: DesktopServices;
  /** The webContents id of Gantry's window, or null while there is none (windows can be recreated). */
  readonly trustedWebContentsId: () => number | null;
  /** The API address handed to the preload; null until the control API listens. */
  readonly bootstrap: () => GantryBootstrap | null;
  /** A registered app's project folder, or null when no app has this id (looked up in the Host, never sent by the renderer). */
  readonly appFolder: (appId: string) => string | null;
}

function register<C extends GantryIpcChannel>(deps: IpcDeps, channel: C): void {
  deps.ipc.handle(channel, async (event, ...raw) => {
    assertTrustedSender(channel, event, deps.trustedWebContentsId());
    const args = validators[channel](raw);
    const run = runners[channel] as (d: IpcDeps, ...a: GantryIpcContract[C]['args']) => Promise<GantryIpcContract[C]['result']>;
    return run(deps, ...args);
  });
}

/** Registers every channel; returns a function that removes them all. */
export function registerIpcHandlers(deps: IpcDeps): () => void {
  for (const channel of IPC_CHANNELS) register(deps, channel);
  deps.ipc.on(BOOTSTRAP_CHANNEL, (event) => {
    // A sync message must always get a returnValue, or the renderer blocks; refusals answer null.
    try {
      assertTrustedSender(BOOTSTRAP_CHANNEL, event, deps.trustedWebContentsId());
      event.returnValue = deps.bootstrap();
    } catch {
      event.returnValue = null;
    }
  });
  return () => {
    for (const channel of IPC_CHANNELS) deps.ipc.removeHandler(channel);
    deps.ipc.removeAllListeners(BOOTSTRAP_CHANNEL);
  };
}
