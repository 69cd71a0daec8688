// What the Electron shell needs from server-core's Host and control API, as a small interface of its own.
// host-adapter.ts binds it to `@gantry/server-core`; the tests use fakes. The state and event types are
// server-core's own (imported, never mirrored), so a new state or event kind is a compile error here, not a surprise.
import type { AppState, HostAppEvent } from '@gantry/server-core';

export interface DesktopAppStatus {
  readonly id: string;
  readonly name: string;
  readonly state: AppState;
  /** True only when the health check passes. */
  readonly healthy: boolean;
  readonly urls: readonly string[];
  /** The app's project folder (absolute). */
  readonly folder: string;
}

export interface DesktopHost {
  /** A snapshot of every app, in display order. */
  list(): readonly DesktopAppStatus[];
  start(appId: string): Promise<void>;
  stop(appId: string): Promise<void>;
  /** Graceful stop of every app: stop accepting, finish in-flight requests, stop workers. */
  stopAll(): Promise<void>;
  /** Immediate: SIGKILL every worker process (and its group) the Host started. Used when stopAll overruns. */
  killAll(): Promise<void>;
  /** Called whenever an app's status or the list of apps changes. Returns an unsubscribe function. */
  onStatusChange(listener: () => void): () => void;
  /** Every app event (crash, timeout, boot error, reload, …); notifications.ts picks the ones worth a notification. */
  onAppEvent(listener: (app: { readonly id: string; readonly name: string }, event: HostAppEvent) => void): () => void;
}

interface DesktopControlApi {
  /** "http://127.0.0.1:PORT", no trailing slash. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export interface DesktopCore {
  readonly host: DesktopHost;
  readonly api: DesktopControlApi;
}

interface DesktopCoreOptions {
  /** Gantry's config folder (GANTRY_HOME). */
  readonly home: string;
  /** Folder holding the Python worker package (app/), readable by Python (outside asar when packaged). */
  readonly workerDir: string;
  /** The window's origin (gantry://ui), which the control API must accept besides its own. */
  readonly allowedOrigins: readonly string[];
}

export type CreateDesktopCore = (options: DesktopCoreOptions) => Promise<DesktopCore>;
