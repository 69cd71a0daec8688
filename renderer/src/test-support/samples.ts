// Sample objects for the renderer's tests, one builder per contract type the server sends: complete and typed by
// the contract (a field added there is added here once, not in every test), with what a test is about passed in.
import type { AccessRecord, AppDefinition, AppStatusView, AppSummary, MetricsSnapshot, OutputRecord } from '../api/contract';

/** One metrics sample at `time`: an idle app with two workers up, nothing served. */
export function sampleMetrics(time = 0, over: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    time,
    requests: 0,
    rate: 0,
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
    statusClasses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    inFlight: 0,
    queueDepth: 0,
    workersBusy: 0,
    workersTotal: 2,
    restarts: 0,
    uptimeSeconds: 0,
    workerRssBytes: {},
    ...over,
  };
}

/**
 * An app as the overview holds it: running with the dev profile and two workers wanted, no health yet, the
 * metrics given (none by default). `status.appId` follows `definition.id`.
 */
export function sampleApp(
  over: {
    readonly definition?: Partial<AppDefinition>;
    readonly status?: Partial<AppStatusView>;
    readonly metrics?: MetricsSnapshot | null;
  } = {},
): AppSummary {
  const definition: AppDefinition = {
    id: 'crashy',
    name: 'Crashy',
    folder: '/srv/crashy',
    settings: {},
    profiles: {},
    activeProfile: 'dev',
    secretEnvKeys: [],
    dotenv: false,
    origin: 'user',
    createdAt: 0,
    updatedAt: 0,
    ...over.definition,
  };
  const status: AppStatusView = {
    appId: definition.id,
    state: 'running',
    profile: 'dev',
    urls: [],
    healthy: false,
    generation: 1,
    error: null,
    startedAt: 1,
    scaled: null,
    workers: 2,
    ...over.status,
  };
  return { definition, status, metrics: over.metrics ?? null, profiles: ['dev'] };
}

/** One access-log entry: a GET / answered 200. */
export function sampleAccess(over: Partial<AccessRecord> = {}): AccessRecord {
  return {
    seq: 1,
    time: 0,
    app: 'a',
    requestId: 'r1',
    method: 'GET',
    path: '/',
    query: '',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes: 10,
    durationMs: 5,
    workerPid: 100,
    remoteAddr: '127.0.0.1',
    userAgent: 'curl/8',
    referer: '',
    ...over,
  };
}

/** One output line: a print() of worker 1 during request r1. */
export function sampleOutput(over: Partial<OutputRecord> = {}): OutputRecord {
  return {
    seq: 1,
    time: 1_000,
    app: 'a',
    source: 'stdout',
    level: 'info',
    workerId: 1,
    workerPid: 42,
    requestId: 'r1',
    text: 'x',
    ...over,
  };
}
