// Binds each IPC channel of preload-api.ts to one native service: check the sender, validate the
// arguments, run. One ipcMain.handle per channel and no generic dispatch, so the surface is this table.
import type { DesktopServices, IpcMainLike } from './electron-port.js';
import { validators } from './ipc-validate.js';
import type { GantryBootstrap, GantryBootstrapChannel, GantryIpcChannel, GantryIpcContract } from './preload-api.js';
import { assertTrustedSender } from './sender-check.js';

export const BOOTSTRAP_CHANNEL: GantryBootstrapChannel = 'gantry:bootstrap';

type Runners = { readonly [C in GantryIpcChannel]: (services: DesktopServices, ...args: GantryIpcContract[C]['args']) => Promise<GantryIpcContract[C]['result']> };

const runners: Runners = {
  'gantry:choose-folder': (s) => s.chooseFolder(),
  'gantry:notify': async (s, title, body) => s.notify(title, body),
  'gantry:open-external': (s, url) => s.openExternal(url),
  'gantry:reveal-file': async (s, p) => s.revealFile(p),
};

/** Every channel main answers with ipcMain.handle — exactly the keys of GantryIpcContract. */
export const IPC_CHANNELS = Object.keys(runners) as GantryIpcChannel[];

export interface IpcDeps {
  readonly ipc: IpcMainLike;
  readonly services: DesktopServices;
  /** The webContents id of Gantry's window, or null while there is none (windows can be recreated). */
  readonly trustedWebContentsId: () => number | null;
  /** The API address handed to the preload; null until the control API listens. */
  readonly bootstrap: () => GantryBootstrap | null;
}

function register<C extends GantryIpcChannel>(deps: IpcDeps, channel: C): void {
  deps.ipc.handle(channel, async (event, ...raw) => {
    assertTrustedSender(channel, event, deps.trustedWebContentsId());
    const args = validators[channel](raw);
    const run = runners[channel] as (s: DesktopServices, ...a: GantryIpcContract[C]['args']) => Promise<GantryIpcContract[C]['result']>;
    return run(deps.services, ...args);
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
