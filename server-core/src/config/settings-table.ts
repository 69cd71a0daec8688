// Every setting an app has, declared once: name, CLI flags, value rule, default and one line of doc.
// The CLI parser, the config-file schema, the control API and the UI's forms all derive from this table
// (gunicorn's config.py and waitress's adjustments.py are the models).
//
// Nothing here loads zod: `gantry serve` imports this module (and ./rules.ts) only, and checks values with
// the rules directly. config/settings.ts turns every rule into its zod schema for the control API, the Host
// and the UI, and is what everything else imports.
import { GantryError } from '../errors.js';
import { checkRule, r, type Infer, type Rule } from './rules.js';

/** How a setting is spelled on the command line and how its values combine. */
type SettingKind =
  | 'string' // one value
  | 'int' // one whole number
  | 'number' // one number (seconds may be fractional)
  | 'bool' // a flag without a value
  | 'list' // repeatable; each occurrence adds one value
  | 'map'; // repeatable K=V (or URL=DIR); each occurrence adds one entry

export type SettingSection = 'app' | 'server' | 'workers' | 'logging' | 'limits' | 'security' | 'dev';

export interface TableSpec<S extends Rule = Rule> {
  /** The key in config files, the control API and pyproject's [tool.gantry]. */
  readonly key: string;
  /** CLI spellings, gunicorn's where the meaning is the same. Empty: not a CLI flag. */
  readonly flags: readonly string[];
  /** The command line's positional argument (MODULE:CALLABLE) rather than a flag. */
  readonly positional?: boolean;
  readonly kind: SettingKind;
  readonly schema: S;
  readonly default: Infer<S>;
  readonly section: SettingSection;
  /** Label for UI forms. */
  readonly label: string;
  /** One line of documentation (CLI --help, README, UI hint). */
  readonly doc: string;
  /** Placeholder for the value in --help, e.g. ADDRESS. */
  readonly metavar?: string;
  /** Takes effect in the running app as soon as it is saved (true), else at the next reload. */
  readonly live?: boolean;
  /** Takes effect only when the app is restarted (new listeners, interpreter, folder, file watching); a reload is not enough. */
  readonly restart?: boolean;
}

const positiveInt = r.number().int().min(1);
const nonNegativeInt = r.number().int().min(0);
const seconds = r.number().min(0);
const envName = r.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name');

/** `HOST:PORT`, `[V6]:PORT`, `:PORT`, `PORT` or `unix:PATH`. */
const bindRule = r
  .string()
  .min(1)
  .refine((v) => parseBind(v) !== null, 'must be HOST:PORT, [IPv6]:PORT, PORT or unix:PATH (port 0–65535)');

export const entryPointRule = r
  .string()
  .regex(/^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*(\(.*\))?)?$/, 'must be MODULE or MODULE:CALLABLE, e.g. mysite.wsgi:application');

export type Bind =
  { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

/** Parses a bind string the way gunicorn does; null when it is not one. */
export function parseBind(value: string): Bind | null {
  if (value.startsWith('unix:')) {
    const path = value.slice(5);
    return path.length > 0 ? { kind: 'unix', path } : null;
  }
  let host = '127.0.0.1';
  let portText = value;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(value);
  if (v6) {
    host = v6[1]!;
    portText = v6[2] ?? '8000';
  } else if (value.includes(':')) {
    const at = value.lastIndexOf(':');
    host = value.slice(0, at) || '0.0.0.0';
    portText = value.slice(at + 1);
  } else if (!/^\d+$/.test(value)) {
    host = value;
    portText = '8000';
  }
  if (!/^\d+$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  return { kind: 'tcp', host, port };
}

export function formatBind(bind: Bind): string {
  if (bind.kind === 'unix') return `unix:${bind.path}`;
  return bind.host.includes(':') ? `[${bind.host}]:${bind.port}` : `${bind.host}:${bind.port}`;
}

// K keeps each key's literal type, so AppSettings has one typed property per setting (not a string index).
function setting<const K extends string, S extends Rule>(spec: TableSpec<S> & { readonly key: K }): TableSpec<S> & { readonly key: K } {
  return spec;
}

/** gunicorn's default access_log_format. */
export const DEFAULT_ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"';

export const SETTINGS = [
  setting({
    key: 'app',
    flags: [],
    positional: true,
    kind: 'string',
    schema: entryPointRule,
    default: 'app:application',
    section: 'app',
    label: 'Entry point',
    metavar: 'MODULE:CALLABLE',
    doc: 'The WSGI callable to serve, as MODULE:CALLABLE (CALLABLE defaults to "application").',
  }),
  setting({
    key: 'name',
    flags: ['-n', '--name'],
    kind: 'string',
    schema: r.string().max(100),
    default: '',
    section: 'app',
    label: 'Name',
    metavar: 'STRING',
    doc: 'A name for the app in logs, the UI and process titles.',
    restart: true,
  }),
  setting({
    key: 'chdir',
    flags: ['--chdir'],
    kind: 'string',
    schema: r.string(),
    default: '.',
    section: 'app',
    label: 'Project folder',
    metavar: 'DIR',
    doc: 'Change to this folder before loading the app; it is also put first on sys.path.',
    restart: true,
  }),
  setting({
    key: 'pythonpath',
    flags: ['--pythonpath'],
    kind: 'list',
    schema: r.array(r.string().min(1)),
    default: [],
    section: 'app',
    label: 'Python path',
    metavar: 'DIR',
    doc: 'Extra folders put on sys.path (repeatable, or comma-separated as in gunicorn).',
  }),
  setting({
    key: 'python',
    flags: ['--python'],
    kind: 'string',
    schema: r.string(),
    default: '',
    section: 'app',
    label: 'Interpreter',
    metavar: 'PATH',
    doc: "The Python interpreter; empty means the project's virtualenv (.venv/, venv/, Poetry's or Pipenv's, $VIRTUAL_ENV) or python3.",
    restart: true,
  }),
  setting({
    key: 'env',
    flags: ['-e', '--env'],
    kind: 'map',
    schema: r.record(envName, r.string()),
    default: {},
    section: 'app',
    label: 'Environment',
    metavar: 'KEY=VALUE',
    doc: 'Environment variables for the workers (repeatable).',
  }),
  setting({
    key: 'static',
    flags: ['--static'],
    kind: 'map',
    schema: r.record(r.string().regex(/^\/[^\s]*$/, 'must be a URL path starting with /'), r.string().min(1)),
    default: {},
    section: 'app',
    label: 'Static files',
    metavar: 'URL=DIR',
    doc: 'Serve files under URL from DIR in the gateway, before the app (repeatable).',
    restart: true,
  }),
  setting({
    key: 'staticDotfiles',
    flags: ['--static-dotfiles'],
    kind: 'bool',
    schema: r.boolean(),
    default: false,
    section: 'app',
    label: 'Serve dotfiles',
    doc: 'Let --static serve files and folders whose name starts with a dot (.env, .git/…); off: they answer 404.',
    restart: true,
  }),

  setting({
    key: 'bind',
    flags: ['-b', '--bind'],
    kind: 'list',
    schema: r.array(bindRule).min(1),
    default: ['127.0.0.1:8000'],
    section: 'server',
    label: 'Bind',
    metavar: 'ADDRESS',
    doc: 'Where to listen: HOST:PORT or unix:PATH (repeatable).',
    restart: true,
  }),
  setting({
    key: 'backlog',
    flags: ['--backlog'],
    kind: 'int',
    schema: positiveInt,
    default: 2048,
    section: 'server',
    label: 'Backlog',
    metavar: 'INT',
    doc: 'The listen backlog: connections waiting to be accepted.',
    restart: true,
  }),
  setting({
    key: 'keepAlive',
    flags: ['--keep-alive'],
    kind: 'number',
    schema: seconds,
    default: 2,
    section: 'server',
    label: 'Keep-alive (s)',
    metavar: 'SECONDS',
    doc: 'How long an idle keep-alive connection is held open.',
  }),
  setting({
    key: 'headerTimeout',
    flags: ['--header-timeout'],
    kind: 'number',
    schema: seconds,
    default: 30,
    section: 'server',
    label: 'Header timeout (s)',
    metavar: 'SECONDS',
    doc: 'How long a client may take to send the request line and headers (slowloris defence; 0: no limit, which leaves that defence off).',
  }),
  setting({
    key: 'bodyTimeout',
    flags: ['--body-timeout'],
    kind: 'number',
    schema: seconds,
    default: 60,
    section: 'server',
    label: 'Body timeout (s)',
    metavar: 'SECONDS',
    doc: "How long a client may send nothing mid-body before it gets 408 and is closed (nginx's client_body_timeout; 0: no limit). With --stream-request-body it counts while a worker reads the body, and the worker's request is aborted.",
  }),
  setting({
    key: 'gatewayProcesses',
    flags: ['--gateway-processes'],
    kind: 'int',
    schema: positiveInt.max(64),
    default: 1,
    section: 'server',
    label: 'Gateway processes',
    metavar: 'INT',
    doc: 'HTTP gateway processes sharing the listening sockets, each with its own share of the workers (1: the gateway runs in the main process). For machines where one gateway core is saturated; needs at least as many workers.',
    restart: true,
  }),
  setting({
    key: 'maxQueue',
    flags: ['--max-queue'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 1024,
    section: 'server',
    label: 'Queue size',
    metavar: 'INT',
    doc: 'Requests that may wait for a free worker; past this they get 503 with Retry-After.',
  }),
  setting({
    key: 'certfile',
    flags: ['--certfile'],
    kind: 'string',
    schema: r.string(),
    default: '',
    section: 'security',
    label: 'TLS certificate',
    metavar: 'FILE',
    doc: 'Serve HTTPS on every TCP bind with this PEM certificate (chain); needs --keyfile.',
    restart: true,
  }),
  setting({
    key: 'keyfile',
    flags: ['--keyfile'],
    kind: 'string',
    schema: r.string(),
    default: '',
    section: 'security',
    label: 'TLS key',
    metavar: 'FILE',
    doc: 'The PEM private key of --certfile.',
    restart: true,
  }),
  setting({
    key: 'caCerts',
    flags: ['--ca-certs'],
    kind: 'string',
    schema: r.string(),
    default: '',
    section: 'security',
    label: 'TLS client CA',
    metavar: 'FILE',
    doc: "PEM CA certificates that client certificates are checked against (requested, not required, as gunicorn's default cert_reqs).",
    restart: true,
  }),
  setting({
    key: 'http2',
    flags: ['--http2'],
    kind: 'bool',
    schema: r.boolean(),
    default: false,
    section: 'security',
    label: 'HTTP/2',
    doc: 'Offer HTTP/2 by ALPN on TLS binds (HTTP/1.1 stays the fallback).',
    restart: true,
  }),
  setting({
    key: 'siteAliases',
    flags: [],
    kind: 'list',
    schema: r.array(
      r
        .string()
        .regex(
          /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/,
          'must be a lowercase DNS name, e.g. shop or api.shop.localhost',
        ),
    ),
    default: [],
    section: 'server',
    label: 'Site aliases',
    metavar: 'NAME',
    doc: "More local site names for the app on the Host's router, beside NAME.localhost from its name (a bare label becomes LABEL.localhost).",
  }),
  setting({
    key: 'requireHttps',
    flags: [],
    kind: 'bool',
    schema: r.boolean(),
    default: false,
    section: 'security',
    label: 'Require HTTPS',
    doc: "On the Host's router, answer http://NAME.localhost with a redirect to https (as production behind TLS would).",
  }),
  setting({
    key: 'streamRequestBody',
    flags: ['--stream-request-body'],
    kind: 'bool',
    schema: r.boolean(),
    default: false,
    section: 'server',
    label: 'Stream request bodies',
    doc: 'Pass request bodies to the worker as they arrive, instead of reading each whole first (in memory up to 1 MiB, then a temporary file) as nginx does; a slow client then holds a worker.',
  }),
  setting({
    key: 'forwardedAllowIps',
    flags: ['--forwarded-allow-ips'],
    kind: 'list',
    schema: r.array(r.string().min(1)),
    default: ['127.0.0.1', '::1'],
    section: 'security',
    label: 'Trusted proxies',
    metavar: 'IPS',
    doc: 'Peers whose X-Forwarded-* and Forwarded headers are trusted (comma-separated, * for all).',
  }),
  setting({
    key: 'forwardedAllowHost',
    flags: ['--forwarded-allow-host'],
    kind: 'bool',
    schema: r.boolean(),
    default: false,
    section: 'security',
    label: 'Trust forwarded host',
    doc: "Let a trusted proxy's X-Forwarded-Host or Forwarded host= replace HTTP_HOST (off by default, as Django's USE_X_FORWARDED_HOST: links built from the host would follow what a client sent).",
  }),

  setting({
    key: 'workers',
    flags: ['-w', '--workers'],
    kind: 'int',
    schema: positiveInt.max(512),
    default: 1,
    section: 'workers',
    label: 'Workers',
    metavar: 'INT',
    doc: 'Number of worker processes.',
    live: true,
  }),
  setting({
    key: 'threads',
    flags: ['--threads'],
    kind: 'int',
    schema: positiveInt.max(1024),
    default: 1,
    section: 'workers',
    label: 'Threads',
    metavar: 'INT',
    doc: 'Threads per worker: requests one worker handles at once.',
  }),
  setting({
    key: 'pipelineDepth',
    flags: ['--pipeline-depth'],
    kind: 'int',
    schema: positiveInt.max(16),
    default: 4,
    section: 'workers',
    label: 'Pipeline depth',
    metavar: 'INT',
    doc: 'Requests sent ahead to a busy single-threaded worker, which runs them in order (1: none); saves it a wake-up per request.',
  }),
  setting({
    key: 'timeout',
    flags: ['-t', '--timeout'],
    kind: 'number',
    schema: seconds,
    default: 30,
    section: 'workers',
    label: 'Timeout (s)',
    metavar: 'SECONDS',
    doc: "A request running longer is answered 504, its worker's stack is captured and the worker replaced (0: never).",
    live: true,
  }),
  setting({
    key: 'gracefulTimeout',
    flags: ['--graceful-timeout'],
    kind: 'number',
    schema: seconds,
    default: 30,
    section: 'workers',
    label: 'Graceful timeout (s)',
    metavar: 'SECONDS',
    doc: 'On stop or reload, how long in-flight requests may take to finish before workers are killed.',
    live: true,
  }),
  setting({
    key: 'maxRequests',
    flags: ['--max-requests'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 0,
    section: 'workers',
    label: 'Max requests',
    metavar: 'INT',
    doc: 'Recycle a worker after this many requests (0: never).',
    live: true,
  }),
  setting({
    key: 'maxRequestsJitter',
    flags: ['--max-requests-jitter'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 0,
    section: 'workers',
    label: 'Max requests jitter',
    metavar: 'INT',
    doc: 'Add a random 0..N to max-requests per worker so they do not all recycle at once.',
    live: true,
  }),
  setting({
    key: 'maxWorkerRss',
    flags: ['--max-worker-rss'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 0,
    section: 'workers',
    label: 'Max worker memory (MB)',
    metavar: 'MB',
    doc: 'Recycle a worker whose resident memory passes this many MB (0: never).',
    live: true,
  }),
  setting({
    key: 'maxWorkerLifetime',
    flags: ['--max-worker-lifetime'],
    kind: 'number',
    schema: seconds,
    default: 0,
    section: 'workers',
    label: 'Max worker lifetime (s)',
    metavar: 'SECONDS',
    doc: 'Recycle a worker after it has run this long (0: never).',
    live: true,
  }),
  setting({
    key: 'reloadMode',
    flags: ['--reload-mode'],
    kind: 'string',
    schema: r.enum(['generation', 'rolling']),
    default: 'generation',
    section: 'workers',
    label: 'Reload mode',
    metavar: 'MODE',
    doc: 'How HUP and Reload replace workers: "generation" starts a whole new set before the old one drains; "rolling" replaces one worker at a time (less memory at once).',
    live: true,
  }),
  setting({
    key: 'warmupPath',
    flags: ['--warmup-path'],
    kind: 'string',
    schema: r.string(),
    default: '',
    section: 'workers',
    label: 'Warm-up path',
    metavar: 'PATH',
    doc: 'On reload, each new worker must answer GET PATH with a non-5xx status before it takes traffic.',
  }),

  setting({
    key: 'accessLogfile',
    flags: ['--access-logfile'],
    kind: 'string',
    schema: r.string(),
    default: '',
    section: 'logging',
    label: 'Access log file',
    metavar: 'FILE',
    doc: 'Write the access log here ("-" for stdout; empty: not to a file).',
    restart: true,
  }),
  setting({
    key: 'accessLogformat',
    flags: ['--access-logformat'],
    kind: 'string',
    schema: r.string().min(1),
    default: DEFAULT_ACCESS_LOG_FORMAT,
    section: 'logging',
    label: 'Access log format',
    metavar: 'STRING',
    doc: 'gunicorn access_log_format codes, or "json" for JSON lines.',
  }),
  setting({
    key: 'errorLogfile',
    flags: ['--error-logfile', '--log-file'],
    kind: 'string',
    schema: r.string(),
    default: '-',
    section: 'logging',
    label: 'Error log file',
    metavar: 'FILE',
    doc: 'Write the error log here ("-" for stderr).',
    restart: true,
  }),
  setting({
    key: 'logLevel',
    flags: ['--log-level'],
    kind: 'string',
    schema: r.enum(['debug', 'info', 'warning', 'error', 'critical']),
    default: 'info',
    section: 'logging',
    label: 'Log level',
    metavar: 'LEVEL',
    doc: 'The lowest level written to the error log.',
    restart: true,
  }),

  setting({
    key: 'limitRequestLine',
    flags: ['--limit-request-line'],
    kind: 'int',
    schema: nonNegativeInt.max(8190),
    default: 4094,
    section: 'limits',
    label: 'Max request line',
    metavar: 'INT',
    doc: 'Longest request line in bytes, method, target and version counted (0: the maximum, 8190); longer gets 414.',
  }),
  setting({
    key: 'limitRequestFields',
    flags: ['--limit-request-fields'],
    kind: 'int',
    schema: nonNegativeInt.max(32768),
    default: 100,
    section: 'limits',
    label: 'Max header count',
    metavar: 'INT',
    doc: 'Most header fields in a request, each field line counted, repeats too (at most 32768); more gets 431.',
    restart: true,
  }),
  setting({
    key: 'limitRequestFieldSize',
    flags: ['--limit-request-field_size', '--limit-request-field-size'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 8190,
    section: 'limits',
    label: 'Max header size',
    metavar: 'INT',
    doc: 'Largest single header field in bytes, name, colon, space and value counted (0: unlimited); larger gets 431.',
    restart: true,
  }),
  setting({
    key: 'bodyBufferMemory',
    flags: ['--body-buffer-memory'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 64 * 1024 * 1024,
    section: 'limits',
    label: 'Body buffer memory',
    metavar: 'BYTES',
    doc: 'Memory the request bodies being buffered may hold together, per app and gateway process (each at most 1 MiB); past it, bodies wait in their temporary file (0: every body does).',
  }),
  setting({
    key: 'limitRequestBody',
    flags: ['--limit-request-body'],
    kind: 'int',
    schema: nonNegativeInt,
    default: 1073741824,
    section: 'limits',
    label: 'Max body size',
    metavar: 'BYTES',
    doc: 'Largest request body in bytes, after chunked decoding (0: unlimited); larger gets 413.',
  }),

  setting({
    key: 'reload',
    flags: ['--reload'],
    kind: 'bool',
    schema: r.boolean(),
    default: false,
    section: 'dev',
    label: 'Reload on change',
    doc: "Watch the project's Python files and reload the workers gracefully when one changes.",
    restart: true,
  }),
  setting({
    key: 'reloadExtraFiles',
    flags: ['--reload-extra-file'],
    kind: 'list',
    schema: r.array(r.string().min(1)),
    default: [],
    section: 'dev',
    label: 'Extra watched files',
    metavar: 'GLOB',
    doc: 'More files or globs to watch with --reload (repeatable).',
    restart: true,
  }),
  setting({
    key: 'metricsBind',
    flags: ['--metrics-bind'],
    kind: 'string',
    schema: r.string().refine((v) => v === '' || parseBind(v) !== null, 'must be HOST:PORT'),
    default: '',
    section: 'server',
    label: 'Metrics address',
    metavar: 'ADDRESS',
    doc: 'Serve Prometheus metrics and /healthz on this address (empty: off).',
    restart: true,
  }),
] as const;

type SettingsTable = typeof SETTINGS;
type SettingOf<K extends string> = Extract<SettingsTable[number], { key: K }>;

/** All settings of one app, fully resolved (every key present). */
export type AppSettings = { -readonly [S in SettingsTable[number] as S['key']]: Infer<S['schema']> };
export type SettingKey = keyof AppSettings & string;

/** When a saved change reaches a running app: at once, at its next reload, or only at a restart. */
export type SettingApplies = 'live' | 'reload' | 'restart';
export function settingApplies(key: string): SettingApplies {
  const spec = SETTINGS.find((s) => s.key === key) as TableSpec | undefined;
  return spec?.live ? 'live' : spec?.restart ? 'restart' : 'reload';
}

export function settingSpec<K extends SettingKey>(key: K): SettingOf<K> {
  const spec = SETTINGS.find((s) => s.key === key);
  if (!spec) throw new Error(`unknown setting ${key}`);
  return spec as SettingOf<K>;
}

/** The first thing wrong with a settings object, naming the setting (and the index or key in it), or null. */
export function checkSettings(value: unknown, { partial = false } = {}): { readonly field: string; readonly reason: string } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { field: '', reason: 'must be an object of settings' };
  const obj = value as Record<string, unknown>;
  for (const spec of SETTINGS as readonly TableSpec[]) {
    if (!(spec.key in obj) || obj[spec.key] === undefined) {
      if (partial) continue;
      return { field: spec.key, reason: 'is required' };
    }
    const issue = checkRule(spec.schema, obj[spec.key]);
    if (issue) return { field: [spec.key, ...issue.path].join('.'), reason: issue.reason };
  }
  if (partial) {
    const unknown = Object.keys(obj).find((k) => !SETTINGS.some((s) => s.key === k));
    if (unknown !== undefined) return { field: unknown, reason: 'is not a setting' };
  }
  return null;
}

function invalidConfig(problem: { readonly field: string; readonly reason: string }): GantryError {
  return new GantryError('GANTRY_ERR_INVALID_CONFIG', problem.field === '' ? problem.reason : `${problem.field}: ${problem.reason}`, {
    field: problem.field,
  });
}

/** What one setting cannot say alone: rules across settings, for a full settings object that passed the table. */
export function crossSettingProblem(
  s: Pick<AppSettings, 'workers' | 'gatewayProcesses'> & Partial<Pick<AppSettings, 'certfile' | 'keyfile' | 'http2' | 'caCerts'>>,
): { readonly field: string; readonly reason: string } | null {
  if ((s.certfile ?? '') !== '' && (s.keyfile ?? '') === '') return { field: 'keyfile', reason: 'is required with certfile' };
  if ((s.keyfile ?? '') !== '' && (s.certfile ?? '') === '') return { field: 'certfile', reason: 'is required with keyfile' };
  if ((s.http2 || (s.caCerts ?? '') !== '') && (s.certfile ?? '') === '')
    return { field: s.http2 ? 'http2' : 'caCerts', reason: 'needs TLS (certfile and keyfile)' };
  if (s.gatewayProcesses > s.workers)
    return { field: 'gatewayProcesses', reason: `must not exceed workers (${s.workers}): each gateway process needs a worker of its own` };
  return null;
}

/** A full settings object checked against the table (a GANTRY_ERR_INVALID_CONFIG naming the field if not): a copy with only the table's keys. */
export function parseAppSettings(value: unknown): AppSettings {
  const problem = checkSettings(value);
  if (problem) throw invalidConfig(problem);
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(SETTINGS.map((s) => [s.key, structuredClone(obj[s.key])])) as AppSettings;
}

/** Some settings (unknown keys refused) checked against the table: a copy. */
export function parsePartialSettings(value: unknown): PartialAppSettings {
  const problem = checkSettings(value, { partial: true });
  if (problem) throw invalidConfig(problem);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, structuredClone(v)]),
  ) as PartialAppSettings;
}

export type PartialAppSettings = Partial<AppSettings>;

export function defaultSettings(): AppSettings {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, structuredClone(s.default)])) as AppSettings;
}

/** Base settings with each override applied in order (later wins; maps merge, lists replace). */
export function mergeSettings(base: AppSettings, ...overrides: readonly PartialAppSettings[]): AppSettings {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const o of overrides) {
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) continue;
      const spec = SETTINGS.find((s) => s.key === k);
      out[k] = spec?.kind === 'map' ? { ...(out[k] as object), ...(v as object) } : structuredClone(v);
    }
  }
  return out as AppSettings;
}
