// The preload: exposes `window.gantry` (see preload-api.ts) through contextBridge and nothing else.
// Sandboxed preloads are CommonJS and may require only 'electron' (and a few shims), so this file imports no
// local module at run time: channel names are literals, checked against GantryIpcContract by the compiler.
import { contextBridge, ipcRenderer } from 'electron';
import type { GantryBootstrap, GantryBootstrapChannel, GantryBridge, GantryIpcChannel, GantryIpcContract } from './preload-api.js';

function invoke<C extends GantryIpcChannel>(channel: C, ...args: GantryIpcContract[C]['args']): Promise<GantryIpcContract[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<GantryIpcContract[C]['result']>;
}

// Synchronous on purpose, once: the page's scripts must find `api` set when they first run, and the token must
// not travel on a command line (additionalArguments would put it in /proc/<pid>/cmdline for any local user).
const bootstrapChannel: GantryBootstrapChannel = 'gantry:bootstrap';
const boot = ipcRenderer.sendSync(bootstrapChannel) as GantryBootstrap | null;

const bridge: GantryBridge = {
  api: Object.freeze({ url: boot?.api.url ?? '', token: boot?.api.token ?? '' }),
  chooseFolder: () => invoke('gantry:choose-folder'),
  notify: (title: string, body: string) => invoke('gantry:notify', title, body),
  openExternal: (url: string) => invoke('gantry:open-external', url),
  revealFile: (path: string) => invoke('gantry:reveal-file', path),
  openTerminal: (appId: string) => invoke('gantry:open-terminal', appId),
  openEditor: (appId: string) => invoke('gantry:open-editor', appId),
  platform: process.platform,
};

contextBridge.exposeInMainWorld('gantry', bridge);
