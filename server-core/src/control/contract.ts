// The control API's contract: every route (method, path, params, query, body, response) and every SSE event,
// as zod schemas and inferred types. The server validates with these (control/routes.ts); the one client is built
// from them (control/client.ts). What is saved on disk is not here but in config/app-definition.ts (the wire carries
// definitions, so the names the renderer needs are re-exported). Bundled into the browser: runtime imports are zod,
// settings.ts (zod plus the zod-free table in settings-table.ts and rules.ts, which `gantry serve` uses alone),
// app-definition.ts (zod and settings.ts), access-columns.ts and output-columns.ts (dependency-free) — nothing else.
import type { AccessColumns } from './access-columns.js';
import type { OutputColumns } from './output-columns.js';
// The compact wire form of a batch's access entries and output lines is part of the contract: both sides use its codecs.
export { decodeAccessColumns, encodeAccessColumns, type AccessColumns } from './access-columns.js';
export { decodeOutputColumns, encodeOutputColumns, type OutputColumns } from './output-columns.js';
import { z } from 'zod';
import { appIdSchema, envNameSchema, profileNameSchema, type AppDefinition } from '../config/app-definition.js';
import {
  partialSettingsSchema,
  withoutReservedKeys,
  type AppSettings,
  type PartialAppSettings,
  type SettingKey,
} from '../config/settings.js';
import type { ErrorCode } from '../errors.js';
import type { RouteStat } from '../logging/route-stats.js';
import type { AccessEntry, AppEvent, AppState, MetricsSnapshot, OutputLine, WorkerSnapshot } from '../runtime/types.js';

export {
  SETTINGS,
  partialSettingsSchema,
  appSettingsSchema,
  defaultSettings,
  parseBind,
  formatBind,
  settingApplies,
  settingSpec,
} from '../config/settings.js';
export type { AppSettings, PartialAppSettings, SettingKey, SettingSpec, SettingApplies, Bind } from '../config/settings.js';
export { profileNameSchema, isSecretEnvKey } from '../config/app-definition.js';
export type { AppDefinition } from '../config/app-definition.js';
export type {
  AccessEntry,
  AppEvent,
  AppState,
  MetricsSnapshot,
  OutputLine,
  ReloadMode,
  WorkerSnapshot,
  WorkerState,
  ExitReason,
  CurrentRequest,
  LatencySummary,
  LogLevel,
  RequestTiming,
} from '../runtime/types.js';
export type { ErrorCode, SerializedError } from '../errors.js';
export type { RouteStat } from '../logging/route-stats.js';

/** Bumped when a route or event changes incompatibly; served by GET /api/health. */
export const CONTRACT_VERSION = 1;

/** Seconds over which req/s and the per-status-class rates are averaged (metrics/rate-window.ts: zod-free for `gantry serve`). */
export { RATE_WINDOW_SECONDS } from '../metrics/rate-window.js';

// ---------------------------------------------------------------------------------------------------------------
// Secrets on the wire

/** Shown instead of a secret env value, everywhere the API returns one. Sending it back means "keep the stored value". */
export const SECRET_MASK = '••••';

// ---------------------------------------------------------------------------------------------------------------
// Request bodies and queries

export const addAppBodySchema = z.strictObject({
  folder: z.string().min(1),
  name: z.string().min(1).max(100).optional(),
  id: appIdSchema.optional(),
  settings: partialSettingsSchema.optional(),
  profiles: withoutReservedKeys(z.record(profileNameSchema, partialSettingsSchema)).optional(),
  activeProfile: profileNameSchema.optional(),
  secretEnvKeys: z.array(envNameSchema).optional(),
  dotenv: z.boolean().optional(),
  /** Import `[tool.gantry]` from pyproject.toml (default true). Explicit fields above win over it. */
  importPyproject: z.boolean().optional(),
  /** Fill interpreter and entry point from detection when not given (default true). */
  detect: z.boolean().optional(),
});
export type AddAppBody = z.infer<typeof addAppBodySchema>;

/** Fields present replace the stored field whole (send the full `settings` / `profiles` objects). */
export const updateAppBodySchema = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  folder: z.string().min(1).optional(),
  settings: partialSettingsSchema.optional(),
  profiles: withoutReservedKeys(z.record(profileNameSchema, partialSettingsSchema)).optional(),
  activeProfile: profileNameSchema.optional(),
  secretEnvKeys: z.array(envNameSchema).optional(),
  dotenv: z.boolean().optional(),
});
export type UpdateAppBody = z.infer<typeof updateAppBodySchema>;

export const appIdParamsSchema = z.strictObject({ id: appIdSchema });
export const workerParamsSchema = z.strictObject({ id: appIdSchema, workerId: z.coerce.number().int().min(1) });
export const requestParamsSchema = z.strictObject({ id: appIdSchema, requestId: z.string().min(1).max(200) });
export const launchParamsSchema = z.strictObject({ launchId: z.string().min(1).max(100) });

export const profileQuerySchema = z.strictObject({
  profile: profileNameSchema.optional(),
  /** '1': a profile not saved yet resolves as an empty one (what it would inherit) instead of a 400. */
  unsaved: z.enum(['0', '1']).optional(),
});
export const startBodySchema = z.strictObject({ profile: profileNameSchema.optional() });
export const stopBodySchema = z.strictObject({ graceful: z.boolean().optional() });
export const reloadBodySchema = z.strictObject({ mode: z.enum(['generation', 'rolling']).optional() });
export const scaleBodySchema = z.strictObject({ workers: z.number().int().min(1).max(512) });
export const launchBodySchema = z.strictObject({
  profile: profileNameSchema.optional(), // default 'staging'
  /** false: answer at once with the launch id (state 'running'); follow it on SSE or GET /api/launches/:id. */
  wait: z.boolean().optional(),
});
export const detectBodySchema = z.strictObject({
  folder: z.string().min(1),
  verify: z.boolean().optional(),
  /** The user trusts the folder: remember it, and run what checking it needs (its interpreters, its import). */
  trust: z.boolean().optional(),
  /** An interpreter the user typed: listed and checked beside the ones found. */
  python: z.string().min(1).max(4096).optional(),
});
export const portCheckBodySchema = z.strictObject({
  bind: z.string().min(1),
  /** The app asking: its own claim on the port does not count as a conflict. */
  appId: appIdSchema.optional(),
});
export const saveToProjectBodySchema = z.strictObject({ includeProfiles: z.boolean().optional() });

/** What `gantry export` and the Export panel produce (server-core/src/export/, one module per target). */
export const EXPORT_TARGETS = ['systemd', 'nginx', 'compose', 'kubernetes', 'dockerfile'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];
export const exportBodySchema = z.strictObject({
  target: z.enum(EXPORT_TARGETS),
  /** Default: staging (the profile `launch` checks before going live). */
  profile: profileNameSchema.optional(),
  /** The process manager on the command line: gantry serve (default) or gunicorn with the same settings. */
  server: z.enum(['gantry', 'gunicorn']).optional(),
  /** Put secret env values in the env file / Secret instead of placeholders (default false). */
  includeSecrets: z.boolean().optional(),
  /** Also write the files under the project's deploy/TARGET/ folder (default false: preview only). */
  write: z.boolean().optional(),
  /** Deployment choices the settings cannot know; each has a default (docs/deploy.md). */
  options: z
    .strictObject({
      user: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a system user name')
        .optional(),
      nginxGroup: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a system group name')
        .optional(),
      gantryCommand: z
        .string()
        .regex(/^\/\S+$/, 'must be an absolute path')
        .optional(),
      nginxListen: z
        .string()
        .regex(/^[\w.:\[\] ]+$/, 'must be an nginx listen value, e.g. 80 or 127.0.0.1:8080')
        .optional(),
      serverName: z
        .string()
        .regex(/^[\w.* -]+$/, 'must be nginx server names')
        .optional(),
      image: z
        .string()
        .regex(/^[\w./:@-]*$/, 'must be an image reference')
        .optional(),
      replicas: z.number().int().min(1).max(1000).optional(),
      ingressHost: z
        .string()
        .regex(/^[a-z0-9*.-]+$/, 'must be a host name')
        .nullable()
        .optional(),
      containerPort: z.number().int().min(1).max(65535).optional(),
      metricsPort: z.number().int().min(1).max(65535).optional(),
    })
    .optional(),
});
export type ExportBody = z.infer<typeof exportBodySchema>;
export interface ExportFile {
  /** Relative to the output folder, e.g. "hello.service" or "kubernetes/deployment.yaml". */
  readonly path: string;
  readonly content: string;
  /** What the file is for, in a few words (the panel's file list). */
  readonly summary: string;
}
export interface ExportResult {
  readonly appId: string;
  readonly target: ExportTarget;
  readonly profile: string;
  readonly server: 'gantry' | 'gunicorn';
  readonly files: readonly ExportFile[];
  /** Things the user must know or do (settings a target cannot express, placeholders to fill in). */
  readonly notes: readonly string[];
  /** Absolute folder the files were written to, when `write` was asked. */
  readonly writtenTo: string | null;
}

/** A list in a query string: `a,b` or repeated `k=a&k=b` (both accepted). */
const csv = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
const limitSchema = z.coerce.number().int().min(1).max(5000);
const seqSchema = z.coerce.number().int().min(0);

export const statusClassSchema = z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']);
export const accessQuerySchema = z.strictObject({
  /** Comma-separated status classes, e.g. `4xx,5xx`. */
  status: csv.pipe(z.array(statusClassSchema)).optional(),
  /** Comma-separated methods. */
  method: csv.pipe(z.array(z.string().regex(/^[A-Za-z]+$/, 'must be an HTTP method'))).optional(),
  /** Case-insensitive substring of the path (and query). */
  path: z.string().max(500).optional(),
  minDurationMs: z.coerce.number().min(0).optional(),
  requestId: z.string().max(200).optional(),
  /** Paging: entries with seq < before (newest first). */
  before: seqSchema.optional(),
  /** Tail: entries with seq > after (oldest first). */
  after: seqSchema.optional(),
  limit: limitSchema.optional(),
  /** `1`: each entry with its request/response headers (masked) while they are kept; for HAR export. */
  headers: z.enum(['0', '1']).optional(),
});
export type AccessQuery = z.input<typeof accessQuerySchema>;

/** What the Host keeps of each app's output (host/app-logs.ts): the newest lines, within both bounds. */
export const OUTPUT_HISTORY = { maxLines: 5_000, maxBytes: 8 * 1024 * 1024 } as const;

export const outputQuerySchema = z.strictObject({
  requestId: z.string().max(200).optional(),
  source: csv.pipe(z.array(z.enum(['stdout', 'stderr', 'gantry']))).optional(),
  level: csv.pipe(z.array(z.enum(['debug', 'info', 'warning', 'error', 'critical']))).optional(),
  search: z.string().max(500).optional(),
  /** Paging: lines with seq < before (newest first). */
  before: seqSchema.optional(),
  /** Tail: lines with seq > after (oldest first). */
  after: seqSchema.optional(),
  /** Only lines written at or after this time (epoch ms): what a jump to a time needs, and no more. */
  since: z.coerce.number().min(0).optional(),
  limit: limitSchema.optional(),
  /** At most this many bytes of lines in the page (each line's text plus 128, as the history counts it); at least one line. */
  maxBytes: z.coerce.number().int().min(1024).max(OUTPUT_HISTORY.maxBytes).optional(),
});
export type OutputQuery = z.input<typeof outputQuerySchema>;

export const pageQuerySchema = z.strictObject({ before: seqSchema.optional(), after: seqSchema.optional(), limit: limitSchema.optional() });
export const metricsQuerySchema = z.strictObject({ history: z.enum(['0', '1']).optional() });
export const fsListQuerySchema = z.strictObject({ path: z.string().optional() });

export const SSE_TYPES = ['access', 'output', 'app-event', 'status', 'launch', 'metrics', 'apps-changed', 'notice', 'dropped'] as const;
export type SseType = (typeof SSE_TYPES)[number];
export const eventsQuerySchema = z.strictObject({
  /** For EventSource, which cannot send headers. */
  token: z.string().optional(),
  /** Comma-separated app ids; absent: all apps. */
  apps: csv.pipe(z.array(appIdSchema)).optional(),
  /** Comma-separated event types; absent: all. */
  types: csv.pipe(z.array(z.enum(SSE_TYPES))).optional(),
  /** Same as the Last-Event-ID header (which wins when both are sent). */
  lastEventId: seqSchema.optional(),
  /**
   * '1': events come in `batch` frames, one per frame-sized interval (see SseBatch), and access entries above
   * `maxRate` per second are sampled (errors, slow requests and requests that wrote output always pass).
   */
  batch: z.enum(['0', '1']).optional(),
  /** Batched streams: access entries per second the client can show (default 1000); above it, sampling. */
  maxRate: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Batched streams: a request at least this slow always passes sampling (ms, default 500). */
  slowMs: z.coerce.number().min(0).optional(),
  /** Batched streams: 'count' sends no access entries, only their counts (a paused or hidden table). */
  access: z.enum(['rows', 'count']).optional(),
  /** Access entries the client will show: the same filters as GET /api/apps/:id/access. */
  status: csv.pipe(z.array(statusClassSchema)).optional(),
  method: csv.pipe(z.array(z.string().regex(/^[A-Za-z]+$/, 'must be an HTTP method'))).optional(),
  path: z.string().max(500).optional(),
  minDurationMs: z.coerce.number().min(0).optional(),
  /**
   * Batched streams: '1' sends access entries and output lines by column (SseBatch.accessColumns, outputColumns;
   * control/access-columns.ts, output-columns.ts).
   */
  columns: z.enum(['0', '1']).optional(),
  /**
   * Batched streams: under sustained traffic, at most one batch per this many ms (the first event after a quiet
   * spell still goes out one interval later). A client that updates its screen at most this often (the UI: 200)
   * gets nothing sooner than it would show, in a quarter of the messages.
   */
  minIntervalMs: z.coerce.number().int().min(0).max(10_000).optional(),
});
export type EventsQuery = z.infer<typeof eventsQuerySchema>;

// ---------------------------------------------------------------------------------------------------------------
// Responses

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: { readonly field?: string; readonly reason?: string } & Record<string, unknown>;
}

export interface OkBody {
  readonly ok: true;
}

export interface HealthBody {
  readonly ok: true;
  readonly version: string;
  readonly contractVersion: number;
  readonly pid: number;
  readonly home: string;
}

/** Where an effective value came from. */
export type SettingOrigin =
  | { readonly layer: 'default' }
  | { readonly layer: 'app' }
  | { readonly layer: 'profile'; readonly profile: string; readonly builtin: boolean }
  | { readonly layer: 'env-file'; readonly file: string }
  | { readonly layer: 'detected'; readonly detail: string };

export interface EffectiveSettings {
  readonly appId: string;
  readonly profile: string;
  /** Fully resolved; secret env values masked. */
  readonly settings: AppSettings;
  readonly origins: Readonly<Record<SettingKey, SettingOrigin>>;
  /** Per env var: where its value came from. */
  readonly envOrigins: Readonly<Record<string, SettingOrigin>>;
  /** Env names whose values are masked. */
  readonly secretEnvKeys: readonly string[];
}

export interface AppStatusView {
  readonly appId: string;
  readonly state: AppState;
  /** The profile it is running with; null when stopped. */
  readonly profile: string | null;
  readonly urls: readonly string[];
  /** True only when the workers are ready and every listener answers. */
  readonly healthy: boolean;
  readonly generation: number;
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: Record<string, unknown> } | null;
  readonly startedAt: number | null;
  /**
   * Set while the app runs with a worker count scaled live (POST /scale) away from its saved setting: a reload
   * keeps `workers`; a stop or restart goes back to `saved`; saving a new workers setting replaces both.
   */
  readonly scaled: { readonly workers: number; readonly saved: number } | null;
  /**
   * How many workers the running app keeps up (its setting in effect, or a live scale); null when not running.
   * Sent with the status so a screen showing "N of M up" asks for nothing: a request of its own for an app being
   * removed answered 404.
   */
  readonly workers: number | null;
}

export interface AppSummary {
  /** Secret env values masked. */
  readonly definition: AppDefinition;
  readonly status: AppStatusView;
  readonly metrics: MetricsSnapshot | null;
  readonly profiles: readonly string[];
  /** The app's named URLs on the Host's router (http://NAME.localhost:PORT/ …); null when the router is off. */
  readonly sites?: { readonly http: readonly string[]; readonly https: readonly string[] } | null;
}

export interface AppView extends AppSummary {
  readonly effective: EffectiveSettings;
}

/** What saving settings did to the running app (keys whose value in effect for its profile changed). */
export interface SettingsApplication {
  /** The profile the app runs with. */
  readonly profile: string;
  /** Taken by the running app at once (settings marked live: timeouts, recycling limits, workers). */
  readonly live: readonly SettingKey[];
  /** Taken at the next reload (POST /reload: graceful, no dropped request). */
  readonly reload: readonly SettingKey[];
  /** Taken only at a restart (listeners, interpreter, folder, static files, file watching). */
  readonly restart: readonly SettingKey[];
}

/** PATCH /api/apps/:id: the app, and what the save did to it if it runs (null: not running). */
export interface UpdateAppResponse extends AppView {
  readonly applied: SettingsApplication | null;
}

export interface AddAppResponse {
  readonly app: AppView;
  readonly detection: DetectionResult | null;
  readonly notices: readonly Notice[];
}

export type AccessRecord = AccessEntry & { readonly seq: number };
export type OutputRecord = OutputLine & { readonly seq: number };
/** An event the Host adds to the runtime's own: a bind that was taken when the app tried to start. */
export interface PortConflictEvent {
  readonly type: 'port-conflict';
  readonly time: number;
  readonly bind: string;
  readonly holder: PortHolder | null;
  readonly claimedBy: string | null;
  readonly suggestion: number | null;
}
export type HostAppEvent = AppEvent | PortConflictEvent;
export type EventRecord = HostAppEvent & { readonly seq: number };

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `before` for the next (older) page; null at the start of the buffer. */
  readonly nextBefore: number | null;
  /** Highest seq seen in the buffer (for `after` tails). */
  readonly latestSeq: number;
}

/**
 * A page of output, and what the Host still holds: a time before `oldestTime`, when `evicted` > 0, is no longer kept
 * (the history keeps the newest `maxLines` lines within `maxBytes`), so a client can say so rather than show the
 * oldest line kept as if it were what was asked for.
 */
export interface OutputPage extends Page<OutputRecord> {
  readonly kept: {
    /** The oldest line held (0 when none); lines with a lower seq fell off. */
    readonly oldestSeq: number;
    readonly oldestTime: number | null;
    /** Lines that fell off the history since the Host started (0: everything written is still held). */
    readonly evicted: number;
    readonly lines: number;
    readonly bytes: number;
    readonly maxLines: number;
    readonly maxBytes: number;
  };
}

export interface RoutesView {
  /** What the numbers cover: the requests in Gantry's access history (its newest entries, up to its cap). */
  readonly window: { readonly requests: number; readonly from: number | null; readonly to: number | null; readonly cap: number };
  /** Slowest p95 first. */
  readonly routes: readonly RouteStat[];
}

export interface RequestDetail {
  /**
   * With requestHeaders/responseHeaders while Gantry still holds them (the latest requests per run, within
   * 16 MB): credentials (Cookie, Set-Cookie, Authorization, X-Api-Key, *token*, *session*, …) show as SECRET_MASK,
   * values past 2,048 characters are cut. Lists and live events carry no headers.
   */
  readonly entry: AccessRecord | null;
  readonly output: readonly OutputRecord[];
  /** When the request ran past the timeout: the stack its worker was in when it was stopped. */
  readonly timeout?: { readonly time: number; readonly durationMs: number; readonly workerPid: number; readonly stack: string } | null;
}

export interface MetricsView {
  readonly current: MetricsSnapshot | null;
  /** One sample per second while running, oldest first (bounded). */
  readonly history: readonly MetricsSnapshot[];
}

export type InterpreterSource =
  'configured' | 'VIRTUAL_ENV' | '.venv' | 'venv' | 'env' | 'pyvenv.cfg' | 'poetry' | 'pipenv' | 'uv' | 'pyenv' | 'system';
export interface InterpreterCandidate {
  readonly path: string;
  readonly source: InterpreterSource;
  readonly reason: string;
  readonly exists: boolean;
  /** Whether the best entry point imports with this interpreter (detection of a trusted folder); absent: not checked. */
  readonly imports?: ImportVerification & { readonly pythonVersion: string | null };
}
export type Framework = 'django' | 'flask' | 'procfile' | 'pyproject' | 'wsgi';
export interface EntryCandidate {
  /** MODULE:CALLABLE, ready for the `app` setting. */
  readonly app: string;
  readonly framework: Framework;
  readonly reason: string;
  /** Higher is more likely. */
  readonly score: number;
  /** Env the candidate needs (DJANGO_SETTINGS_MODULE). */
  readonly env: Readonly<Record<string, string>>;
  readonly file: string | null;
  /** Other settings it implies, e.g. `chdir`/`pythonpath` from a Procfile's gunicorn flags. */
  readonly settings?: PartialAppSettings;
}
export interface ImportVerification {
  readonly app: string;
  readonly python: string;
  readonly ok: boolean;
  /** The import error verbatim (traceback), when it failed. */
  readonly error: string | null;
  readonly durationMs: number;
}
export interface DetectionResult {
  readonly folder: string;
  readonly interpreter: InterpreterCandidate | null;
  readonly interpreters: readonly InterpreterCandidate[];
  readonly pythonVersion: string | null;
  readonly candidates: readonly EntryCandidate[];
  readonly verification: ImportVerification | null;
  /** `[tool.gantry]` from pyproject.toml, validated; null when absent. */
  readonly pyproject: {
    readonly settings: PartialAppSettings;
    readonly profiles: Readonly<Record<string, PartialAppSettings>>;
    readonly errors: readonly string[];
  } | null;
  /** What adding the folder would set: app, python, env. */
  readonly suggested: PartialAppSettings;
  readonly framework: Framework | null;
  /** Django projects: a STATIC_ROOT/collectstatic is possible. */
  readonly django: { readonly settingsModule: string; readonly managePy: string } | null;
  /**
   * Nothing from an untrusted folder runs: until the user trusts it, detection only reads files, and `wouldRun`
   * says what checking it would run (its interpreters, the top level of its modules).
   */
  readonly trust: { readonly trusted: boolean; readonly wouldRun: readonly string[] };
}

export interface PortHolder {
  /** null when the process is not ours to look into (another user's). */
  readonly pid: number | null;
  readonly command: string | null;
  /** The user the listening socket belongs to (a name, or "uid N"), when the OS says. */
  readonly user: string | null;
}
/** Who holds a port, in words: "pid 4121 (python3 -m http.server)", "a process of user www-data", or null. */
export function describePortHolder(h: PortHolder | null | undefined): string | null {
  if (!h) return null;
  if (h.pid !== null) return `pid ${h.pid}${h.command ? ` (${h.command})` : ''}`;
  return h.user ? `a process of user ${h.user}` : null;
}

export interface PortCheckResult {
  readonly bind: string;
  readonly free: boolean;
  /** The process holding it, when the OS lets us know. */
  readonly holder: PortHolder | null;
  /** Another Gantry app whose settings claim this port. */
  readonly claimedBy: string | null;
  /** A free port near it, when this one is not usable. */
  readonly suggestion: number | null;
  /** Why it is not usable, in words: in use, not an address of this machine, not resolvable, a file at a unix path. */
  readonly reason?: string;
}

/** django-settings: what staging promises (DEBUG off, its own SECRET_KEY, ALLOWED_HOSTS) checked by asking Django. */
export type LaunchStepName = 'interpreter' | 'import' | 'ports' | 'django-check' | 'django-settings' | 'collectstatic' | 'start' | 'health';
/** warning: passed, with findings the user must read (in `output`); skipped: `output` says why. */
export type LaunchStepStatus = 'running' | 'ok' | 'warning' | 'failed' | 'skipped';
export interface LaunchStep {
  readonly step: LaunchStepName;
  readonly status: LaunchStepStatus;
  /** Output of the step (process output, error text); complete on ok/failed. */
  readonly output: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
}
export interface LaunchResult {
  readonly launchId: string;
  readonly appId: string;
  readonly profile: string;
  readonly state: 'running' | 'ok' | 'failed';
  readonly steps: readonly LaunchStep[];
  readonly url: string | null;
  readonly failedStep: LaunchStepName | null;
  readonly error: ErrorBody | null;
}
export interface LaunchProgress {
  readonly launchId: string;
  readonly appId: string;
  readonly profile: string;
  /**
   * Position of `step` in this launch's steps (0-based, as in LaunchResult.steps): a step's "running" event and
   * its outcome carry the same index. 'done' ends the launch; its index is the number of steps that ran.
   */
  readonly index: number;
  readonly kind: 'step' | 'done';
  readonly step: LaunchStepName | null;
  readonly status: LaunchStepStatus | 'ok' | 'failed';
  readonly output: string;
  readonly url: string | null;
}

export interface Notice {
  readonly code: ErrorCode;
  readonly message: string;
  readonly time: number;
  readonly details?: Record<string, unknown>;
}

export interface SaveToProjectResult {
  readonly path: string;
  /** False: the file was re-serialised whole and its comments were lost. */
  readonly commentsPreserved: boolean;
  /** Secret env names left out of the file (their values belong in .env, not in version control). */
  readonly omittedSecretEnvKeys?: readonly string[];
}

export interface FsEntry {
  readonly name: string;
  readonly path: string;
  /**
   * Has a project file (manage.py, wsgi.py, app.py, pyproject.toml, setup.py/cfg, requirements.txt, Pipfile, a lock
   * file, a Procfile) or a top-level .py file that defines a WSGI callable (host/project-markers.ts).
   */
  readonly looksLikeProject: boolean;
  /** Why it looks like one ("manage.py", "hello.py defines a WSGI app"), when it does. */
  readonly projectHint?: string;
}
export interface FsListing {
  readonly path: string;
  readonly parent: string | null;
  readonly dirs: readonly FsEntry[];
}

// ---------------------------------------------------------------------------------------------------------------
// Server-sent events: `event: <type>`, `id: <seq>`, `data: <JSON SseEnvelope>`. Resume with Last-Event-ID.
// Heartbeats are SSE comments (`: hb`) every 15 s.

export interface SseDataMap {
  access: AccessRecord;
  output: OutputRecord;
  'app-event': EventRecord;
  status: AppStatusView;
  launch: LaunchProgress;
  metrics: MetricsSnapshot;
  'apps-changed': { readonly appIds: readonly string[] };
  notice: Notice;
  /** The client fell behind (or resumed past the ring): events fromId..toId were not delivered. */
  dropped: { readonly count: number; readonly fromId: number; readonly toId: number; readonly reason: 'slow-client' | 'resume-gap' };
}
/**
 * A batched stream's frame (`event: batch`, `id:` the last event's id): the events of one interval, in order, and
 * for access entries the true counts beside what was sent (sampling and server-side filters).
 */
export interface SseBatch {
  /**
   * In order; with `columns=1`, without the access entries and output lines (those are in accessColumns and
   * outputColumns). A `metrics` event is
   * always first in its frame: the `access` counts beside it all came after the sample, so its `requests` plus the
   * `seen` of this frame and the ones after it is the number of requests served (exactly, until the next sample).
   */
  readonly events: readonly SseEnvelope[];
  /** With `columns=1`: the interval's access entries, compactly (decodeAccessColumns gives them back). */
  readonly accessColumns?: AccessColumns;
  /** With `columns=1`: the interval's output lines, in order, compactly (decodeOutputColumns gives them back). */
  readonly outputColumns?: OutputColumns;
  readonly access?: {
    /** Access entries that happened in this interval (for the subscribed apps). */
    readonly seen: number;
    /** Those that passed the client's filters. */
    readonly matched: number;
    /** Those sent. */
    readonly sent: number;
    /** 1: everything that matched was sent; N: about 1 in N of the ordinary ones. */
    readonly sampleOneIn: number;
  };
}

export type SseEnvelope = {
  [T in SseType]: {
    readonly id: number;
    readonly type: T;
    readonly appId: string | null;
    readonly time: number;
    readonly data: SseDataMap[T];
  };
}[SseType];

// ---------------------------------------------------------------------------------------------------------------
// Route table

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The answer's content type, when it is not JSON. */
  readonly produces?: string;
}
/** A route whose response type is R (phantom field: never present at runtime). */
export type Route<S extends RouteSpec, R> = S & { readonly __response?: R };
function route<R>() {
  return <const S extends RouteSpec>(spec: S): Route<S, R> => spec;
}

export const ROUTES = {
  health: route<HealthBody>()({ method: 'GET', path: '/api/health', summary: 'Liveness, versions and the config folder.' }),
  notices: route<{ notices: readonly Notice[] }>()({
    method: 'GET',
    path: '/api/notices',
    summary: 'Host notices (e.g. a corrupt config was set aside).',
  }),
  listApps: route<{ apps: readonly AppSummary[] }>()({
    method: 'GET',
    path: '/api/apps',
    summary: 'Every app with its status and metrics.',
  }),
  addApp: route<AddAppResponse>()({
    method: 'POST',
    path: '/api/apps',
    summary: 'Add an app from a folder (detects, imports [tool.gantry]).',
    body: addAppBodySchema,
  }),
  addDemo: route<AddAppResponse>()({ method: 'POST', path: '/api/apps/demo', summary: 'Add the bundled demo app "Hello (demo)".' }),
  getApp: route<AppView>()({
    method: 'GET',
    path: '/api/apps/:id',
    summary: 'One app: definition, status, metrics, effective settings.',
    params: appIdParamsSchema,
  }),
  updateApp: route<UpdateAppResponse>()({
    method: 'PATCH',
    path: '/api/apps/:id',
    summary: 'Change an app; fields present replace the stored ones. A running app takes live settings at once.',
    params: appIdParamsSchema,
    body: updateAppBodySchema,
  }),
  removeApp: route<OkBody>()({ method: 'DELETE', path: '/api/apps/:id', summary: 'Stop and remove an app.', params: appIdParamsSchema }),
  effective: route<EffectiveSettings>()({
    method: 'GET',
    path: '/api/apps/:id/effective',
    summary: 'Settings in effect for a profile, with where each came from.',
    params: appIdParamsSchema,
    query: profileQuerySchema,
  }),
  saveToProject: route<SaveToProjectResult>()({
    method: 'POST',
    path: '/api/apps/:id/save-to-project',
    summary: "Write the app's settings to [tool.gantry] in pyproject.toml.",
    params: appIdParamsSchema,
    body: saveToProjectBodySchema,
  }),
  exportApp: route<ExportResult>()({
    method: 'POST',
    path: '/api/apps/:id/export',
    summary: 'Render a profile as systemd/nginx/Compose/Kubernetes/Dockerfile files (optionally written to deploy/).',
    params: appIdParamsSchema,
    body: exportBodySchema,
  }),
  start: route<AppStatusView>()({
    method: 'POST',
    path: '/api/apps/:id/start',
    summary: 'Start with a profile (default: the active one).',
    params: appIdParamsSchema,
    body: startBodySchema,
  }),
  stop: route<AppStatusView>()({
    method: 'POST',
    path: '/api/apps/:id/stop',
    summary: 'Stop (graceful by default).',
    params: appIdParamsSchema,
    body: stopBodySchema,
  }),
  restart: route<AppStatusView>()({
    method: 'POST',
    path: '/api/apps/:id/restart',
    summary: 'Stop then start, optionally with another profile.',
    params: appIdParamsSchema,
    body: startBodySchema,
  }),
  reload: route<AppStatusView>()({
    method: 'POST',
    path: '/api/apps/:id/reload',
    summary: 'Zero-downtime reload (generation or rolling) with the current settings.',
    params: appIdParamsSchema,
    body: reloadBodySchema,
  }),
  scale: route<AppStatusView>()({
    method: 'POST',
    path: '/api/apps/:id/scale',
    summary: 'Set the number of workers live (kept by reloads; the saved setting is unchanged).',
    params: appIdParamsSchema,
    body: scaleBodySchema,
  }),
  restartWorker: route<OkBody>()({
    method: 'POST',
    path: '/api/apps/:id/workers/:workerId/restart',
    summary: 'Restart one worker.',
    params: workerParamsSchema,
  }),
  launch: route<LaunchResult>()({
    method: 'POST',
    path: '/api/apps/:id/launch',
    summary: 'Preflight, start and health-check a profile (default staging).',
    params: appIdParamsSchema,
    body: launchBodySchema,
  }),
  getLaunch: route<LaunchResult>()({
    method: 'GET',
    path: '/api/launches/:launchId',
    summary: "A launch's steps so far.",
    params: launchParamsSchema,
  }),
  status: route<AppStatusView>()({
    method: 'GET',
    path: '/api/apps/:id/status',
    summary: 'State, URLs, health.',
    params: appIdParamsSchema,
  }),
  workers: route<{ workers: readonly WorkerSnapshot[] }>()({
    method: 'GET',
    path: '/api/apps/:id/workers',
    summary: 'Worker table.',
    params: appIdParamsSchema,
  }),
  metrics: route<MetricsView>()({
    method: 'GET',
    path: '/api/apps/:id/metrics',
    summary: 'Current metrics, with per-second history when history=1.',
    params: appIdParamsSchema,
    query: metricsQuerySchema,
  }),
  access: route<Page<AccessRecord>>()({
    method: 'GET',
    path: '/api/apps/:id/access',
    summary: 'Access log, filtered, paged (newest first; `after` tails oldest first).',
    params: appIdParamsSchema,
    query: accessQuerySchema,
  }),
  routes: route<RoutesView>()({
    method: 'GET',
    path: '/api/apps/:id/routes',
    summary: 'Requests grouped by method and route pattern over the access history: count, error rate, p50/p95/p99, slowest.',
    params: appIdParamsSchema,
  }),
  request: route<RequestDetail>()({
    method: 'GET',
    path: '/api/apps/:id/requests/:requestId',
    summary: "One request's access entry and the output lines it produced.",
    params: requestParamsSchema,
  }),
  output: route<OutputPage>()({
    method: 'GET',
    path: '/api/apps/:id/output',
    summary: 'App output and Gantry lines, filtered, paged.',
    params: appIdParamsSchema,
    query: outputQuerySchema,
  }),
  events: route<Page<EventRecord>>()({
    method: 'GET',
    path: '/api/apps/:id/events',
    summary: 'App events (crash, timeout, reload, recycle, scale, state, port conflict).',
    params: appIdParamsSchema,
    query: pageQuerySchema,
  }),
  detect: route<DetectionResult>()({
    method: 'POST',
    path: '/api/detect',
    summary: 'Detect interpreter and entry point of a folder; verify by importing.',
    body: detectBodySchema,
  }),
  checkPort: route<PortCheckResult>()({
    method: 'POST',
    path: '/api/ports/check',
    summary: 'Is a bind free, who holds it, which port is free next.',
    body: portCheckBodySchema,
  }),
  fsList: route<FsListing>()({
    method: 'GET',
    path: '/api/fs',
    summary: "Sub-folders of a folder (default: home), for the browser's folder picker.",
    query: fsListQuerySchema,
  }),
  stream: route<never>()({
    method: 'GET',
    path: '/api/events',
    summary: 'Server-sent events (see SseEnvelope); token may be passed as ?token=.',
    query: eventsQuerySchema,
    produces: 'text/event-stream; charset=utf-8',
  }),
  prometheus: route<string>()({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus text for every running app.',
    produces: 'text/plain; version=0.0.4; charset=utf-8',
  }),
} as const;

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;
/** Routes that hold the connection open and answer with a stream of events rather than one body. */
export type StreamRouteName = {
  [N in RouteName]: Routes[N] extends { readonly produces: `text/event-stream${string}` } ? N : never;
}[RouteName];
/** Routes that answer once, with a body. */
export type CallRouteName = Exclude<RouteName, StreamRouteName>;
export type ResponseOf<N extends RouteName> = NonNullable<Routes[N]['__response']>;
type SchemaInput<S> = S extends z.ZodType ? z.input<S> : undefined;
export type ParamsOf<N extends RouteName> = Routes[N] extends { params: infer P } ? SchemaInput<P> : undefined;
export type QueryOf<N extends RouteName> = Routes[N] extends { query: infer Q } ? SchemaInput<Q> : undefined;
export type BodyOf<N extends RouteName> = Routes[N] extends { body: infer B } ? SchemaInput<B> : undefined;

/** Fills `:name` segments of a route path (URI-encoded). */
export function buildPath(path: string, params: Readonly<Record<string, string | number>> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

/** Serialises a query object (arrays joined with commas, undefined left out). */
export function buildQuery(query: Readonly<Record<string, unknown>> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    const text = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(text)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
