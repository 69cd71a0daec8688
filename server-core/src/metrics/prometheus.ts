// Prometheus text exposition format 0.0.4 for one or many apps (metric families grouped, HELP/TYPE once each).
// Wiring: `renderPrometheus([metrics.exposition(), …])` from AppRuntime.prometheus(), the Host (all apps) or the
// metrics server (`--metrics-bind`); serve it with PROMETHEUS_CONTENT_TYPE. Plain data in, text out.
import type { WorkerState } from '../runtime/types.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];
const WORKER_STATES: readonly WorkerState[] = ['starting', 'idle', 'busy', 'draining', 'stopping', 'exited'];

interface WorkerExposition {
  readonly id: number;
  readonly pid: number | null;
  readonly rssBytes: number | null;
  readonly cpuPercent: number | null;
  readonly requests: number;
  readonly truncated: number;
}

/** One app's numbers, as AppMetrics.exposition() returns them. */
export interface AppExposition {
  readonly app: string;
  readonly requestsByClass: Readonly<Record<StatusClass, number>>;
  /** Responses cut short (less than the app's Content-Length, an app error or a worker death mid-body). */
  readonly truncated: number;
  readonly duration: {
    /** Upper bounds in seconds, ascending, without +Inf. */
    readonly bounds: readonly number[];
    /** Per-bucket (non-cumulative) counts; one more than bounds, the last being the +Inf overflow. */
    readonly counts: ArrayLike<number>;
    readonly sumSeconds: number;
    readonly count: number;
  };
  readonly inFlight: number;
  readonly queueDepth: number;
  readonly workersByState: Readonly<Partial<Record<WorkerState, number>>>;
  readonly workers: readonly WorkerExposition[];
  readonly restartsByReason: Readonly<Record<string, number>>;
  readonly uptimeSeconds: number;
}

/** Label values: backslash, double quote and newline escaped (the only three the format requires). */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and newline escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labels(pairs: Readonly<Record<string, string>>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

type Sample = readonly [suffix: string, labels: Readonly<Record<string, string>>, value: number];

interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly samples: (a: AppExposition) => Sample[];
}

const FAMILIES: readonly Family[] = [
  {
    name: 'gantry_requests_total',
    type: 'counter',
    help: 'Requests answered, by status class.',
    samples: (a) => STATUS_CLASSES.map((c) => ['', { app: a.app, status_class: c }, a.requestsByClass[c]] as const),
  },
  {
    name: 'gantry_responses_truncated_total',
    type: 'counter',
    help: 'Responses the client got incomplete (the connection was closed mid-body).',
    samples: (a) => [['', { app: a.app }, a.truncated]],
  },
  {
    name: 'gantry_request_duration_seconds',
    type: 'histogram',
    help: 'Time from request arrival to the end of the response.',
    samples: (a) => {
      const out: Sample[] = [];
      let cumulative = 0;
      a.duration.bounds.forEach((le, i) => {
        cumulative += a.duration.counts[i]!;
        out.push(['_bucket', { app: a.app, le: formatValue(le) }, cumulative]);
      });
      out.push(['_bucket', { app: a.app, le: '+Inf' }, a.duration.count]);
      out.push(['_sum', { app: a.app }, a.duration.sumSeconds]);
      out.push(['_count', { app: a.app }, a.duration.count]);
      return out;
    },
  },
  {
    name: 'gantry_in_flight',
    type: 'gauge',
    help: 'Requests being handled by a worker now.',
    samples: (a) => [['', { app: a.app }, a.inFlight]],
  },
  {
    name: 'gantry_queue_depth',
    type: 'gauge',
    help: 'Requests waiting for a free worker.',
    samples: (a) => [['', { app: a.app }, a.queueDepth]],
  },
  {
    name: 'gantry_workers',
    type: 'gauge',
    help: 'Worker processes by state.',
    samples: (a) => WORKER_STATES.map((s) => ['', { app: a.app, state: s }, a.workersByState[s] ?? 0] as const),
  },
  {
    name: 'gantry_worker_rss_bytes',
    type: 'gauge',
    help: 'Resident memory of each worker process.',
    samples: (a) =>
      a.workers.filter((w) => w.rssBytes !== null).map((w) => ['', { app: a.app, worker: String(w.id) }, w.rssBytes!] as const),
  },
  {
    name: 'gantry_worker_cpu_percent',
    type: 'gauge',
    help: 'CPU use of each worker process between the last two samples (100 = one core).',
    samples: (a) =>
      a.workers.filter((w) => w.cpuPercent !== null).map((w) => ['', { app: a.app, worker: String(w.id) }, w.cpuPercent!] as const),
  },
  {
    name: 'gantry_worker_requests_total',
    type: 'counter',
    help: 'Requests answered by each worker slot.',
    samples: (a) => a.workers.map((w) => ['', { app: a.app, worker: String(w.id) }, w.requests] as const),
  },
  {
    name: 'gantry_worker_responses_truncated_total',
    type: 'counter',
    help: 'Responses each worker slot left incomplete (less than its Content-Length, an app error or the worker dying mid-body).',
    samples: (a) => a.workers.map((w) => ['', { app: a.app, worker: String(w.id) }, w.truncated] as const),
  },
  {
    name: 'gantry_worker_restarts_total',
    type: 'counter',
    help: 'Worker replacements, by reason (crashed, timeout, max-requests, max-worker-rss, reload, ...).',
    samples: (a) => Object.entries(a.restartsByReason).map(([reason, n]) => ['', { app: a.app, reason }, n] as const),
  },
  {
    name: 'gantry_uptime_seconds',
    type: 'gauge',
    help: 'Seconds since the app started.',
    samples: (a) => [['', { app: a.app }, a.uptimeSeconds]],
  },
];

/** The whole exposition, ending in a newline as the format requires. */
export function renderPrometheus(apps: readonly AppExposition[]): string {
  const lines: string[] = [];
  for (const f of FAMILIES) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const a of apps) for (const [suffix, l, v] of f.samples(a)) lines.push(`${f.name}${suffix}${labels(l)} ${formatValue(v)}`);
  }
  return lines.join('\n') + '\n';
}
