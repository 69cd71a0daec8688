// The preload's surface: exactly the names of GantryBridge, each backed by one named channel, api set from
// the synchronous bootstrap before any page script, and no generic invoke anywhere.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { beforeEach, describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../src/ipc-handlers.js';

const exposed = new Map<string, unknown>();
const invoked: { channel: string; args: unknown[] }[] = [];
const syncSent: string[] = [];

const fakeElectron = {
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      return channel === 'gantry:choose-folder' ? '/home/me/site' : undefined;
    },
    sendSync: (channel: string) => {
      syncSent.push(channel);
      return { api: { url: 'http://127.0.0.1:43817', token: 't0ken' } };
    },
  },
};

type Bridge = import('../src/preload-api.js').GantryBridge;

const source = readFileSync(new URL('../src/preload.cts', import.meta.url), 'utf8');
// Compiled as the build compiles it (NodeNext: a .cts file becomes CommonJS), not with looser options.
const compiled = ts.transpileModule(source, {
  fileName: 'preload.cts',
  compilerOptions: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 },
}).outputText;

/**
 * Runs the preload the way Electron's sandboxed renderer does: wrapped in a function whose `require` knows
 * only a few modules. Importing any local file at run time would throw here, as it would in the sandbox.
 */
async function loadPreload(): Promise<Bridge> {
  exposed.clear();
  const sandboxRequire = (name: string): unknown => {
    if (name === 'electron') return fakeElectron;
    throw new Error(`module not found: ${name}`);
  };
  const exportsObj = {};
  const wrapper = new Function('require', 'process', 'Buffer', 'global', 'exports', 'module', compiled) as (...a: unknown[]) => void;
  wrapper(sandboxRequire, { platform: process.platform }, Buffer, globalThis, exportsObj, { exports: exportsObj });
  return exposed.get('gantry') as Bridge;
}

describe('preload', () => {
  beforeEach(() => {
    invoked.length = 0;
    syncSent.length = 0;
  });

  it('exposes one key, window.gantry, with exactly the documented names', async () => {
    const bridge = await loadPreload();
    expect([...exposed.keys()]).toEqual(['gantry']);
    expect(Object.keys(bridge).sort()).toEqual([
      'api',
      'chooseFolder',
      'notify',
      'openEditor',
      'openExternal',
      'openTerminal',
      'platform',
      'revealFile',
    ]);
    expect(Object.keys(bridge.api).sort()).toEqual(['token', 'url']);
  });

  it('gets the API address from one synchronous bootstrap message, before the page runs', async () => {
    const bridge = await loadPreload();
    expect(syncSent).toEqual(['gantry:bootstrap']);
    expect(bridge.api).toEqual({ url: 'http://127.0.0.1:43817', token: 't0ken' });
    expect(Object.isFrozen(bridge.api)).toBe(true);
    expect(bridge.platform).toBe(process.platform);
  });

  it('backs each function with its own channel, passing arguments through unchanged', async () => {
    const bridge = await loadPreload();
    expect(await bridge.chooseFolder()).toBe('/home/me/site');
    await bridge.notify('Title', 'Body');
    await bridge.openExternal('https://example.org/');
    await bridge.revealFile('/tmp/x.log');
    await bridge.openTerminal('blog');
    await bridge.openEditor('blog');
    expect(invoked).toEqual([
      { channel: 'gantry:choose-folder', args: [] },
      { channel: 'gantry:notify', args: ['Title', 'Body'] },
      { channel: 'gantry:open-external', args: ['https://example.org/'] },
      { channel: 'gantry:reveal-file', args: ['/tmp/x.log'] },
      { channel: 'gantry:open-terminal', args: ['blog'] },
      { channel: 'gantry:open-editor', args: ['blog'] },
    ]);
  });

  it('uses exactly the channels main registers', async () => {
    const bridge = await loadPreload();
    await bridge.chooseFolder();
    await bridge.notify('a', 'b');
    await bridge.openExternal('https://example.org/');
    await bridge.revealFile('/x');
    await bridge.openTerminal('a');
    await bridge.openEditor('a');
    expect(new Set(invoked.map((i) => i.channel))).toEqual(new Set(IPC_CHANNELS));
  });

  it('compiles to a CommonJS script that requires nothing but electron', () => {
    expect(compiled).toContain('require("electron")');
    expect(compiled.match(/require\(/g)).toHaveLength(1);
    expect(compiled).not.toMatch(/\bimport\s*[({]|^import |^export /m);
  });

  it('has no generic channel: the source passes no caller-chosen channel to ipcRenderer', () => {
    const src = source;
    // The only ipcRenderer calls are the typed invoke() helper and the bootstrap; every invoke() names a literal.
    expect(src.match(/ipcRenderer\.\w+/g)?.sort()).toEqual(['ipcRenderer.invoke', 'ipcRenderer.sendSync']);
    expect(src.match(/invoke\('([^']+)'/g)?.length).toBe(IPC_CHANNELS.length);
    expect(src).not.toMatch(/ipcRenderer\.(send|on|once|postMessage)\(/);
    expect(src).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
