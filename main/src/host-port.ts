// What the Electron shell needs from server-core's Host and control API, as a small interface of its own.
// host-adapter.ts binds it to `@gantry/server-core`; the tests use fakes. Shapes mirror server-core's
// runtime/types.ts (AppState, AppEvent) but only the fields the shell reads.

export type DesktopAppState = 'stopped' | 'starting' | 'running' | 'reloading' | 'stopping' | 'failed';

export interface DesktopAppStatus {
  readonly id: string;
  readonly name: string;
  readonly state: DesktopAppState;
  /** True only when the health check passes. */
  readonly healthy: boolean;
  readonly urls: readonly string[];
  /** The app's project folder (absolute). */
  readonly folder: string;
}

/** The app events the shell turns into notifications; other event types are ignored. */
export type DesktopAppEvent =
  | { readonly type: 'worker-exit'; readonly workerId: number; readonly pid: number; readonly exit: { readonly reason: string; readonly code: number | null; readonly signal: string | null } }
  | { readonly type: 'timeout'; readonly requestId: string; readonly method: string; readonly path: string; readonly durationMs: number; readonly workerPid: number }
  | { readonly type: 'boot-error'; readonly error: { readonly code: string; readonly message: string } }
  | { readonly type: 'state'; readonly state: DesktopAppState; readonly error?: { readonly code: string; readonly message: string } }
  | { readonly type: string };

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
  onAppEvent(listener: (app: { readonly id: string; readonly name: string }, event: DesktopAppEvent) => void): () => void;
}

export interface DesktopControlApi {
  /** "http://127.0.0.1:PORT", no trailing slash. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export interface DesktopCore {
  readonly host: DesktopHost;
  readonly api: DesktopControlApi;
}

export interface DesktopCoreOptions {
  /** Gantry's config folder (GANTRY_HOME). */
  readonly home: string;
  /** Folder holding the Python worker package (app/), readable by Python (outside asar when packaged). */
  readonly workerDir: string;
  /** The window's origin (gantry://ui), which the control API must accept besides its own. */
  readonly allowedOrigins: readonly string[];
}

export type CreateDesktopCore = (options: DesktopCoreOptions) => Promise<DesktopCore>;
