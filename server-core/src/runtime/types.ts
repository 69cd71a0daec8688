// The boundary between one running app (gateway + dispatcher + supervisor + logs + metrics) and whoever
// drives it: `gantry serve`, the Host behind the control API, the Electron main. Plain data only, so every
// snapshot and event can be sent as JSON unchanged.
import type { AppSettings } from '../config/settings.js';
import type { SerializedError } from '../errors.js';

export type AppState = 'stopped' | 'starting' | 'running' | 'reloading' | 'stopping' | 'failed';
export type WorkerState = 'starting' | 'idle' | 'busy' | 'draining' | 'stopping' | 'exited';
export type ReloadMode = 'generation' | 'rolling';
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

export interface ExitReason {
  readonly code: number | null;
  readonly signal: string | null;
  /** Why, in words: "crashed", "timeout", "max-requests", "max-worker-rss", "max-worker-lifetime", "reload", "scale-down", "stop". */
  readonly reason: string;
  /** The worker's last stderr lines before it exited. */
  readonly stderrTail: readonly string[];
  readonly at: number;
}

export interface CurrentRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly startedAt: number;
}

export interface WorkerSnapshot {
  /** Stable slot number, 1..workers ("[worker 3 pid 4121]"). */
  readonly id: number;
  readonly pid: number | null;
  readonly generation: number;
  readonly state: WorkerState;
  readonly current: readonly CurrentRequest[];
  readonly requests: number;
  readonly rssBytes: number | null;
  readonly cpuPercent: number | null;
  readonly startedAt: number;
  readonly restarts: number;
  readonly lastExit: ExitReason | null;
}

/** One line of the access log: every request, whatever its outcome. */
export interface AccessEntry {
  /** Milliseconds since the epoch, when the request arrived. */
  readonly time: number;
  readonly app: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly protocol: string;
  readonly status: number;
  /** Response body bytes sent. */
  readonly bytes: number;
  /** The client got an incomplete response (the app sent less than its Content-Length, raised mid-body, or its worker died). */
  readonly truncated?: boolean;
  readonly durationMs: number;
  readonly workerPid: number | null;
  /** The worker's slot number (1..workers), when a worker handled it. */
  readonly workerId?: number | null;
  readonly remoteAddr: string;
  readonly userAgent: string;
  readonly referer: string;
  /** The user name from HTTP Basic auth, when the request had one (gunicorn's %(u)s). */
  readonly remoteUser?: string;
  readonly requestHeaders?: Readonly<Record<string, string>>;
  readonly responseHeaders?: Readonly<Record<string, string>>;
  /** Where the time went (requests that reached a worker): queue → app → first byte → transfer, in ms. */
  readonly timing?: RequestTiming;
}

export interface RequestTiming {
  /** Arrival until a worker took it (the dispatcher's queue, and the connection to the worker). */
  readonly queueMs: number;
  /** A worker took it until the app's response head came back (the app's own time before its first byte). */
  readonly appMs: number;
  /** Arrival until the response head was written: queueMs + appMs. */
  readonly ttfbMs: number;
  /** Response head until the last byte was handed to the socket (a streamed body, a slow client). */
  readonly transferMs: number;
}

/** A line of app output (stdout/stderr, wsgi.errors, tracebacks) or a line Gantry itself says about the app. */
export interface OutputLine {
  readonly time: number;
  readonly app: string;
  readonly source: 'stdout' | 'stderr' | 'gantry';
  readonly level: LogLevel;
  readonly workerId: number | null;
  readonly workerPid: number | null;
  /** The request this line was written while handling, when there was one. */
  readonly requestId: string | null;
  readonly text: string;
}

export type AppEvent =
  | { readonly type: 'state'; readonly time: number; readonly state: AppState; readonly error?: SerializedError }
  | {
      readonly type: 'worker-exit';
      readonly time: number;
      readonly workerId: number;
      readonly pid: number;
      readonly exit: ExitReason;
      readonly respawnInMs: number | null;
    }
  | { readonly type: 'boot-error'; readonly time: number; readonly error: SerializedError }
  | {
      readonly type: 'timeout';
      readonly time: number;
      readonly requestId: string;
      readonly method: string;
      readonly path: string;
      readonly durationMs: number;
      readonly workerPid: number;
      readonly stack: string;
    }
  | {
      readonly type: 'reload';
      readonly time: number;
      readonly phase: 'started' | 'done' | 'failed';
      readonly generation: number;
      readonly mode: ReloadMode;
      readonly error?: SerializedError;
    }
  | { readonly type: 'recycle'; readonly time: number; readonly workerId: number; readonly pid: number; readonly reason: string }
  | { readonly type: 'scale'; readonly time: number; readonly from: number; readonly to: number };

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface MetricsSnapshot {
  readonly time: number;
  readonly requests: number;
  /** Requests per second averaged over the last RATE_WINDOW_SECONDS (metrics/rate-window.ts). */
  readonly rate: number;
  readonly latencyMs: LatencySummary;
  readonly statusClasses: {
    readonly '1xx': number;
    readonly '2xx': number;
    readonly '3xx': number;
    readonly '4xx': number;
    readonly '5xx': number;
  };
  /**
   * Responses per second of each status class, over the same window and at the same instant as `rate` (they add
   * up to it), so the UI can show them beside it without mixing windows. Absent from an older server's samples.
   */
  readonly statusRates?: Readonly<Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>>;
  readonly inFlight: number;
  readonly queueDepth: number;
  readonly workersBusy: number;
  readonly workersTotal: number;
  readonly restarts: number;
  readonly uptimeSeconds: number;
  /**
   * Resident memory of each worker slot (its newest process) at the supervisor's last sample, every 2 s:
   * kept in the Host's per-second history, so the memory chart has its past like every other chart.
   */
  readonly workerRssBytes: Readonly<Record<number, number>>;
}

export interface AppStatus {
  readonly name: string;
  readonly state: AppState;
  readonly urls: readonly string[];
  /** True only when workers are ready and every listener answers. */
  readonly healthy: boolean;
  readonly generation: number;
  readonly error: SerializedError | null;
  readonly settings: AppSettings;
}

export interface AppRuntimeEvents {
  access: (entry: AccessEntry) => void;
  output: (line: OutputLine) => void;
  event: (event: AppEvent) => void;
}

/** One app, running or not. `createAppRuntime(settings)` in runtime/app-runtime.ts makes one. */
export interface AppRuntime {
  status(): AppStatus;
  /** Listens on every bind and starts the workers; resolves when all are ready, rejects with a GantryError. */
  start(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight within gracefulTimeout, then stop workers. */
  stop(options?: { readonly graceful?: boolean }): Promise<void>;
  /** Zero-downtime reload, optionally into new settings; on a failed boot the old generation keeps serving. */
  reload(options?: { readonly mode?: ReloadMode; readonly settings?: AppSettings }): Promise<void>;
  scale(workers: number): Promise<void>;
  /**
   * Applies settings marked `live` in config/settings.ts (timeouts, recycling limits, workers) to the running app
   * without a reload; other keys are refused. Optional: a runtime without it gets live keys at its next reload.
   * maxRequests/maxRequestsJitter count for workers started from then on (each worker draws its limit at boot).
   */
  update?(settings: Partial<AppSettings>): Promise<void>;
  restartWorker(workerId: number): Promise<void>;
  workers(): readonly WorkerSnapshot[];
  metrics(): MetricsSnapshot;
  /** Prometheus text exposition of this app's metrics. */
  prometheus(): string;
  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void;
}
