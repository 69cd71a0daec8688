// Binds host-port.ts to server-core's public entry (`@gantry/server-core`): creates the Host in process and
// starts the control API on 127.0.0.1 with the install's token. (args.ts also takes defaultGantryHome from there.)
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  createHost,
  readRuntimeFile,
  removeRuntimeFile,
  startControlServer,
  writeRuntimeFile,
  type AppDefinition,
  type AppStatusView,
  type ControlServer,
  type ControlServerOptions,
  type Host,
  type HostOptions,
  type WorkerSnapshot,
} from '@gantry/server-core';
import type { CreateDesktopCore, DesktopAppStatus, DesktopCore, DesktopHost } from './host-port.js';

/**
 * The parts of server-core's Host this adapter uses, picked from its own types (never re-declared), narrowed to the
 * fields read here so the tests' fakes stay small. The compiler checks the real Host against it (realEntry below).
 */
export type CoreHost = Pick<Host, 'token' | 'start' | 'stop' | 'close'> & {
  readonly hub: Pick<Host['hub'], 'subscribe'>;
  listApps(): readonly {
    readonly definition: Pick<AppDefinition, 'id' | 'name' | 'folder'>;
    readonly status: Pick<AppStatusView, 'state' | 'urls' | 'healthy'>;
  }[];
  workers(id: string): readonly Pick<WorkerSnapshot, 'pid'>[];
};

/**
 * server-core's exports this adapter needs: createHost (host/host.ts), startControlServer (control/server.ts) and
 * the runtime-file helpers (`GANTRY_HOME/ui.json`, host/runtime-file.ts), written as `gantry ui` writes it, so
 * `gantry apps` drives the desktop app's Host and a second Host on the same home is refused either way round.
 */
export interface CoreEntry {
  createHost(options: HostOptions): Promise<CoreHost>;
  startControlServer(options: Omit<ControlServerOptions, 'host'> & { readonly host: CoreHost }): Promise<ControlServer>;
  readRuntimeFile: typeof readRuntimeFile;
  writeRuntimeFile: typeof writeRuntimeFile;
  removeRuntimeFile: typeof removeRuntimeFile;
}

/** How long the Host gives each app to stop gracefully before it stops it hard; the quit sequence's bound is above it. */
export const HOST_STOP_TIMEOUT_MS = 8_000;

/** server-core's real exports; the annotation makes the compiler check them against what this adapter expects. */
const realEntry: CoreEntry = { createHost, startControlServer, readRuntimeFile, writeRuntimeFile, removeRuntimeFile };

/** SIGKILL a worker and, when it leads a process group, everything it started. Already-gone pids are fine. */
function killPid(pid: number): void {
  for (const target of process.platform === 'win32' ? [pid] : [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* not a group leader, or already gone */
    }
  }
}

/** Adapts a server-core Host to DesktopHost. Exported for tests, which pass a fake CoreHost. */
export function desktopHost(host: CoreHost): DesktopHost {
  const seenPids = new Set<number>();
  const rememberPids = (): void => {
    for (const app of host.listApps()) {
      try {
        for (const w of host.workers(app.definition.id)) if (w.pid !== null) seenPids.add(w.pid);
      } catch {
        /* not running */
      }
    }
  };
  return {
    list: (): DesktopAppStatus[] =>
      host.listApps().map((a) => ({
        id: a.definition.id,
        name: a.definition.name,
        folder: a.definition.folder,
        state: a.status.state,
        healthy: a.status.healthy,
        urls: a.status.urls,
      })),
    start: async (id) => void (await host.start(id)),
    stop: async (id) => void (await host.stop(id, true)),
    stopAll: async () => {
      // Remember every worker pid first: if the graceful stop hangs, killAll still knows whom to kill.
      rememberPids();
      await host.close();
    },
    killAll: async () => {
      rememberPids();
      for (const pid of seenPids) killPid(pid);
    },
    onStatusChange: (listener) =>
      host.hub.subscribe((e) => {
        if (e.type === 'status' || e.type === 'apps-changed') listener();
      }),
    onAppEvent: (listener) =>
      host.hub.subscribe((e) => {
        if (e.type !== 'app-event' || e.appId === null) return;
        const app = host.listApps().find((a) => a.definition.id === e.appId);
        listener({ id: e.appId, name: app?.definition.name ?? e.appId }, e.data);
      }),
  };
}

export function makeCreateDesktopCore(entry: () => CoreEntry, rendererDir: string): CreateDesktopCore {
  return async (options): Promise<DesktopCore> => {
    const core = entry();
    const { createHost, startControlServer } = core;
    const running = await core.readRuntimeFile(options.home);
    if (running !== null && running.pid !== process.pid) {
      throw new Error(
        `Gantry is already running for ${options.home} (pid ${running.pid}, ${running.url}); stop it first, or use another --gantry-home`,
      );
    }
    const demo = path.join(options.workerDir, 'examples', 'hello');
    // createHost locks the folder (another Gantry on it is refused, naming itself): this names us in that lock.
    // The router for https://NAME.localhost on the same unprivileged ports as `gantry ui` (cli/ui.ts).
    const host = await createHost({
      home: options.home,
      lockOwner: 'Gantry desktop',
      stopTimeoutMs: HOST_STOP_TIMEOUT_MS,
      router: { httpPort: 8480, httpsPort: 8443 },
      ...(existsSync(path.join(demo, 'hello.py')) ? { demoFolder: demo } : {}),
    });
    let server: ControlServer;
    try {
      server = await startControlServer({ host, port: 0, rendererDir, allowedOrigins: options.allowedOrigins });
    } catch (e) {
      await host.close().catch(() => undefined);
      throw e;
    }
    const url = server.url.replace(/\/+$/, '');
    await core.writeRuntimeFile(options.home, { url, port: server.port, token: server.token, pid: process.pid, startedAt: Date.now() });
    const close = async (): Promise<void> => {
      await core.removeRuntimeFile(options.home).catch(() => undefined);
      await server.close();
    };
    return { host: desktopHost(host), api: { url, token: server.token, close } };
  };
}

/** The real binding, against `@gantry/server-core`. */
export const createDesktopCoreFor = (rendererDir: string): CreateDesktopCore => makeCreateDesktopCore(() => realEntry, rendererDir);
