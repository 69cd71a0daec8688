// The binding to server-core's Host: statuses mapped for the tray, hub events turned into status changes and
// notifications, quit stopping through Host.close and killing every worker it ever saw when that overruns.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { AppStatusView, SseEnvelope } from '@gantry/server-core';
import { desktopHost, HOST_STOP_TIMEOUT_MS, makeCreateDesktopCore, type CoreEntry, type CoreHost } from '../src/host-adapter.js';
import { stopEverything } from '../src/quit-sequence.js';

/** What Host.start / Host.stop resolve with; the adapter ignores it. */
const stoppedView = (appId: string): AppStatusView => ({
  appId,
  state: 'stopped',
  profile: null,
  urls: [],
  healthy: false,
  generation: 0,
  error: null,
  startedAt: null,
  scaled: null,
  workers: null,
});

/** A hub envelope as EventHub.publish numbers it. */
let seq = 0;
const envelope = (e: Omit<SseEnvelope, 'id' | 'time'>): SseEnvelope => ({ ...e, id: ++seq, time: 0 }) as SseEnvelope;

/** No ui.json on the home, and writes that go nowhere. */
const noRuntimeFile = { readRuntimeFile: async () => null, writeRuntimeFile: async () => {}, removeRuntimeFile: async () => {} };

function fakeHost(overrides: Partial<CoreHost> = {}) {
  const listeners = new Set<(e: SseEnvelope) => void>();
  const calls: string[] = [];
  const host: CoreHost = {
    token: 'tok',
    hub: {
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    listApps: () => [
      {
        definition: { id: 'blog', name: 'Blog', folder: '/srv/blog' },
        status: { state: 'running', urls: ['http://127.0.0.1:8000'], healthy: true },
      },
      { definition: { id: 'shop', name: 'Shop', folder: '/srv/shop' }, status: { state: 'failed', urls: [], healthy: false } },
    ],
    start: async (id) => (calls.push(`start ${id}`), stoppedView(id)),
    stop: async (id, graceful) => (calls.push(`stop ${id} ${graceful}`), stoppedView(id)),
    workers: (id) => {
      if (id !== 'blog') throw new Error('not running');
      return [{ pid: 111 }, { pid: null }];
    },
    close: async () => void calls.push('close'),
    ...overrides,
  };
  return { host, calls, emit: (e: Omit<SseEnvelope, 'id' | 'time'>) => listeners.forEach((l) => l(envelope(e))), listeners };
}

describe('desktopHost', () => {
  it('maps app summaries for the tray', () => {
    const { host } = fakeHost();
    expect(desktopHost(host).list()).toEqual([
      { id: 'blog', name: 'Blog', folder: '/srv/blog', state: 'running', healthy: true, urls: ['http://127.0.0.1:8000'] },
      { id: 'shop', name: 'Shop', folder: '/srv/shop', state: 'failed', healthy: false, urls: [] },
    ]);
  });

  it('starts and stops (gracefully) by id', async () => {
    const { host, calls } = fakeHost();
    const d = desktopHost(host);
    await d.start('blog');
    await d.stop('blog');
    expect(calls).toEqual(['start blog', 'stop blog true']);
  });

  it('reports status changes and app events with the app’s name, and unsubscribes', () => {
    const f = fakeHost();
    const d = desktopHost(f.host);
    let changes = 0;
    const events: unknown[] = [];
    const off1 = d.onStatusChange(() => changes++);
    const off2 = d.onAppEvent((app, e) => events.push([app, e]));
    f.emit({ type: 'status', appId: 'blog', data: stoppedView('blog') });
    f.emit({ type: 'apps-changed', appId: null, data: { appIds: [] } });
    f.emit({ type: 'notice', appId: null, data: { code: 'GANTRY_ERR_LOG_WRITE', message: 'disk full', time: 0 } });
    const timeout = {
      seq: 1,
      type: 'timeout',
      time: 0,
      requestId: 'r',
      method: 'GET',
      path: '/slow',
      durationMs: 30_000,
      workerPid: 7,
      stack: '',
    } as const;
    const bootError = { seq: 2, type: 'boot-error', time: 0, error: { code: 'GANTRY_ERR_APP_IMPORT', message: 'no module' } } as const;
    f.emit({ type: 'app-event', appId: 'blog', data: timeout });
    f.emit({ type: 'app-event', appId: 'gone', data: bootError });
    expect(changes).toBe(2);
    expect(events).toEqual([
      [{ id: 'blog', name: 'Blog' }, timeout],
      [{ id: 'gone', name: 'gone' }, bootError],
    ]);
    off1();
    off2();
    expect(f.listeners.size).toBe(0);
  });

  it('stopAll closes the Host; killAll SIGKILLs every worker pid seen, even after the Host forgot them', async () => {
    // A real process stands in for a worker stuck past the graceful limit.
    const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up")'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout!, 'data');
    let running = true;
    const f = fakeHost({
      workers: () => (running ? [{ pid: child.pid! }] : []),
      close: () => {
        running = false; // the Host no longer lists the worker…
        return new Promise(() => {}); // …and never finishes stopping it
      },
    });
    const exited = once(child, 'exit');
    const outcome = await stopEverything(desktopHost(f.host), { gracefulMs: 100, forceMs: 1000 });
    expect(outcome.kind).toBe('forced');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
  });
});

describe('makeCreateDesktopCore', () => {
  it('creates the Host with a bounded stop and starts the control API on a free port with the window’s origin allowed', async () => {
    const f = fakeHost();
    const seen: unknown[] = [];
    const entry: CoreEntry = {
      createHost: async (o) => (seen.push(['createHost', o]), f.host),
      startControlServer: async (o) => (
        seen.push(['startControlServer', { ...o, host: o.host === f.host }]),
        { url: 'http://127.0.0.1:5123/', port: 5123, token: 'tok', close: async () => {} }
      ),
      ...noRuntimeFile,
    };
    const core = await makeCreateDesktopCore(
      () => entry,
      '/r/dist',
    )({ home: '/h', workerDir: '/nonexistent', allowedOrigins: ['gantry://ui'] });
    expect(core.api.url).toBe('http://127.0.0.1:5123');
    expect(core.api.token).toBe('tok');
    expect(seen).toEqual([
      [
        'createHost',
        { home: '/h', lockOwner: 'Gantry desktop', stopTimeoutMs: HOST_STOP_TIMEOUT_MS, router: { httpPort: 8480, httpsPort: 8443 } },
      ],
      ['startControlServer', { host: true, port: 0, rendererDir: '/r/dist', allowedOrigins: ['gantry://ui'] }],
    ]);
  });

  it('closes the Host when the control API cannot start', async () => {
    const f = fakeHost();
    const entry: CoreEntry = {
      createHost: async () => f.host,
      startControlServer: async () => {
        throw new Error('EADDRINUSE');
      },
      ...noRuntimeFile,
    };
    await expect(makeCreateDesktopCore(() => entry, '/r')({ home: '/h', workerDir: '/w', allowedOrigins: [] })).rejects.toThrow(
      'EADDRINUSE',
    );
    expect(f.calls).toEqual(['close']);
  });

  it('registers ui.json for `gantry apps` and removes it on close', async () => {
    const f = fakeHost();
    const files: string[] = [];
    const entry: CoreEntry = {
      createHost: async () => f.host,
      startControlServer: async () => ({
        url: 'http://127.0.0.1:5123',
        port: 5123,
        token: 'tok',
        close: async () => void files.push('server closed'),
      }),
      readRuntimeFile: async () => null,
      writeRuntimeFile: async (home, info) =>
        void files.push(`write ${home} ${info.url} ${info.port} ${info.token} ${info.pid === process.pid}`),
      removeRuntimeFile: async (home) => void files.push(`remove ${home}`),
    };
    const core = await makeCreateDesktopCore(() => entry, '/r')({ home: '/h', workerDir: '/w', allowedOrigins: [] });
    await core.api.close();
    expect(files).toEqual(['write /h http://127.0.0.1:5123 5123 tok true', 'remove /h', 'server closed']);
  });

  it('refuses to start a second Host on a home where gantry ui is already running', async () => {
    const f = fakeHost();
    let created = false;
    const entry: CoreEntry = {
      createHost: async () => ((created = true), f.host),
      startControlServer: async () => ({ url: 'http://127.0.0.1:1', port: 1, token: 't', close: async () => {} }),
      ...noRuntimeFile,
      readRuntimeFile: async () => ({ url: 'http://127.0.0.1:4000', port: 4000, token: 'x', pid: 999_999, startedAt: 0 }),
    };
    await expect(makeCreateDesktopCore(() => entry, '/r')({ home: '/h', workerDir: '/w', allowedOrigins: [] })).rejects.toThrow(
      /already running for \/h \(pid 999999, http:\/\/127\.0\.0\.1:4000\)/,
    );
    expect(created).toBe(false);
  });
});
