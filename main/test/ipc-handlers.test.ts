// The IPC surface main answers: one handler per channel, every call checked for its sender (Gantry's window,
// top frame, Gantry's page) and its arguments before the native service runs.
import { describe, expect, it } from 'vitest';
import type { DesktopServices, IpcEventLike, IpcMainLike, IpcSyncEventLike } from '../src/electron-port.js';
import { BOOTSTRAP_CHANNEL, IPC_CHANNELS, registerIpcHandlers } from '../src/ipc-handlers.js';
import { LIMITS } from '../src/ipc-validate.js';

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;
type SyncHandler = (event: IpcSyncEventLike, ...args: unknown[]) => void;

const WINDOW_ID = 7;
const PAGE = 'gantry://ui/index.html';

function setup() {
  const handlers = new Map<string, Handler>();
  const syncHandlers = new Map<string, SyncHandler>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
    on: (channel, listener) => syncHandlers.set(channel, listener),
    removeAllListeners: (channel) => syncHandlers.delete(channel),
  };
  const calls: string[] = [];
  const services: DesktopServices = {
    chooseFolder: async () => {
      calls.push('chooseFolder');
      return '/home/me/site';
    },
    notify: (t, b) => void calls.push(`notify ${t} ${b}`),
    openExternal: async (u) => void calls.push(`openExternal ${u}`),
    revealFile: (p) => void calls.push(`revealFile ${p}`),
    openTerminal: async (f) => void calls.push(`openTerminal ${f}`),
    openEditor: async (f) => void calls.push(`openEditor ${f}`),
  };
  // The registered apps main knows; the renderer names one by id and never sends a path.
  const folders: Record<string, string> = { blog: '/srv/blog', relative: 'srv/rel' };
  let trusted: number | null = WINDOW_ID;
  const dispose = registerIpcHandlers({
    ipc,
    services,
    trustedWebContentsId: () => trusted,
    bootstrap: () => ({ api: { url: 'http://127.0.0.1:5000', token: 'tok' } }),
    appFolder: (id) => (Object.hasOwn(folders, id) ? folders[id]! : null),
  });
  const call = (channel: string, args: unknown[], event: IpcEventLike = fromWindow()) =>
    Promise.resolve().then(() => handlers.get(channel)!(event, ...args));
  return { handlers, syncHandlers, calls, call, dispose, setTrusted: (id: number | null) => (trusted = id) };
}

function fromWindow(overrides: { id?: number; url?: string; parent?: unknown; frame?: null } = {}): IpcEventLike {
  return {
    sender: { id: overrides.id ?? WINDOW_ID },
    senderFrame: overrides.frame === null ? null : { url: overrides.url ?? PAGE, parent: overrides.parent ?? null },
  };
}

describe('IPC handlers', () => {
  it('registers exactly the six named channels plus the bootstrap, and removes them all', () => {
    const s = setup();
    expect([...s.handlers.keys()].sort()).toEqual([
      'gantry:choose-folder',
      'gantry:notify',
      'gantry:open-editor',
      'gantry:open-external',
      'gantry:open-terminal',
      'gantry:reveal-file',
    ]);
    expect([...s.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    expect([...s.syncHandlers.keys()]).toEqual([BOOTSTRAP_CHANNEL]);
    s.dispose();
    expect(s.handlers.size).toBe(0);
    expect(s.syncHandlers.size).toBe(0);
  });

  it('runs each service for valid calls from the window', async () => {
    const s = setup();
    expect(await s.call('gantry:choose-folder', [])).toBe('/home/me/site');
    await s.call('gantry:notify', ['Crash', 'worker 2 died']);
    await s.call('gantry:open-external', ['https://docs.python.org/3/']);
    await s.call('gantry:reveal-file', ['/var/log/gantry/access.log']);
    await s.call('gantry:open-terminal', ['blog']);
    await s.call('gantry:open-editor', ['blog']);
    expect(s.calls).toEqual([
      'chooseFolder',
      'notify Crash worker 2 died',
      'openExternal https://docs.python.org/3/',
      'revealFile /var/log/gantry/access.log',
      'openTerminal /srv/blog',
      'openEditor /srv/blog',
    ]);
  });

  describe('sender checks (nothing runs when refused)', () => {
    const refusals: [string, IpcEventLike][] = [
      ['another webContents', fromWindow({ id: 99 })],
      ['a subframe', fromWindow({ parent: { url: PAGE } })],
      ['a frame that is gone', fromWindow({ frame: null })],
      ['a remote page', fromWindow({ url: 'https://evil.example/' })],
      ['a file:// page', fromWindow({ url: 'file:///home/me/evil.html' })],
      ['another host on our scheme', fromWindow({ url: 'gantry://other/index.html' })],
      ['the control API origin itself', fromWindow({ url: 'http://127.0.0.1:5000/' })],
    ];
    for (const [what, event] of refusals) {
      it(`refuses ${what}`, async () => {
        const s = setup();
        for (const channel of IPC_CHANNELS) {
          const args =
            channel === 'gantry:notify'
              ? ['a', 'b']
              : channel === 'gantry:choose-folder'
                ? []
                : channel === 'gantry:reveal-file'
                  ? ['/x']
                  : channel === 'gantry:open-terminal' || channel === 'gantry:open-editor'
                    ? ['blog']
                    : ['https://a.example/'];
          await expect(s.call(channel, args, event)).rejects.toMatchObject({ code: 'GANTRY_ERR_IPC_SENDER' });
        }
        expect(s.calls).toEqual([]);
      });
    }

    it('refuses everyone while there is no window', async () => {
      const s = setup();
      s.setTrusted(null);
      await expect(s.call('gantry:choose-folder', [])).rejects.toMatchObject({ code: 'GANTRY_ERR_IPC_SENDER' });
      expect(s.calls).toEqual([]);
    });
  });

  describe('argument validation (nothing runs when refused)', () => {
    const bad: [string, unknown[]][] = [
      ['gantry:choose-folder', ['/etc']],
      ['gantry:notify', []],
      ['gantry:notify', ['only title']],
      ['gantry:notify', [1, 'b']],
      ['gantry:notify', ['', 'b']],
      ['gantry:notify', ['t'.repeat(LIMITS.title + 1), 'b']],
      ['gantry:notify', ['t', 'b'.repeat(LIMITS.body + 1)]],
      ['gantry:notify', ['t', 'b', 'extra']],
      ['gantry:notify', ['t\0', 'b']],
      ['gantry:open-external', ['file:///etc/passwd']],
      ['gantry:open-external', ['javascript:alert(1)']],
      ['gantry:open-external', ['smb://host/share']],
      ['gantry:open-external', ['gantry://ui/index.html']],
      ['gantry:open-external', ['https://user:pw@example.org/']],
      ['gantry:open-external', ['not a url']],
      ['gantry:open-external', [{ toString: () => 'https://a.example' }]],
      ['gantry:open-external', ['https://a.example/' + 'x'.repeat(LIMITS.url)]],
      ['gantry:reveal-file', ['relative/path']],
      ['gantry:reveal-file', ['']],
      ['gantry:reveal-file', [['/etc/passwd']]],
      ['gantry:reveal-file', ['/tmp/a\0b']],
      // Terminal and editor take a registered app's id, never a path: a path, an unknown id, an inherited
      // property name, a folder that is not absolute are all refused.
      ['gantry:open-terminal', ['/etc']],
      ['gantry:open-terminal', ['no-such-app']],
      ['gantry:open-terminal', ['__proto__']],
      ['gantry:open-terminal', ['relative']],
      ['gantry:open-terminal', []],
      ['gantry:open-terminal', ['blog', '/etc']],
      ['gantry:open-terminal', [42]],
      ['gantry:open-terminal', ['b'.repeat(LIMITS.appId + 1)]],
      ['gantry:open-editor', ['/home/me/.ssh']],
      ['gantry:open-editor', ['no-such-app']],
      ['gantry:open-editor', ['constructor']],
      ['gantry:open-editor', ['']],
      ['gantry:open-editor', [{ id: 'blog' }]],
    ];
    for (const [channel, args] of bad) {
      it(`${channel} refuses ${JSON.stringify(args).slice(0, 60)}`, async () => {
        const s = setup();
        await expect(s.call(channel, args)).rejects.toMatchObject({ code: 'GANTRY_ERR_IPC_ARGUMENT' });
        expect(s.calls).toEqual([]);
      });
    }

    it('accepts Windows absolute paths for reveal-file', async () => {
      const s = setup();
      await s.call('gantry:reveal-file', ['C:\\Users\\me\\site\\app.py']);
      expect(s.calls).toEqual(['revealFile C:\\Users\\me\\site\\app.py']);
    });
  });

  describe('bootstrap', () => {
    it('answers the window with the API address', () => {
      const s = setup();
      const event = { ...fromWindow(), returnValue: undefined as unknown };
      s.syncHandlers.get(BOOTSTRAP_CHANNEL)!(event);
      expect(event.returnValue).toEqual({ api: { url: 'http://127.0.0.1:5000', token: 'tok' } });
    });

    it('answers anyone else with null (a sync message must always get an answer)', () => {
      const s = setup();
      for (const e of [fromWindow({ id: 3 }), fromWindow({ url: 'https://evil.example/' }), fromWindow({ parent: {} })]) {
        const event = { ...e, returnValue: 'unset' as unknown };
        s.syncHandlers.get(BOOTSTRAP_CHANNEL)!(event);
        expect(event.returnValue).toBeNull();
      }
    });
  });
});
