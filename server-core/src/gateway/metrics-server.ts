// The `--metrics-bind` listener: GET /metrics (Prometheus text) and GET /healthz (200 when healthy, else 503
// with a JSON reason). Separate from the app's binds so scrapes and probes never queue behind app traffic.
// gantry serve and the Host start one per app with startAppMetricsServer(bind, runtime).
// Bind failures reject with GantryError GANTRY_ERR_PORT_IN_USE / GANTRY_ERR_BIND.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatBind, parseBind, type Bind } from '../config/settings-table.js';
import { GantryError } from '../errors.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus.js';
import type { AppRuntime } from '../runtime/types.js';

/** true/false, or an object carrying why (shown in the 503 body) and any details worth a look. */
type HealthResult = boolean | { readonly healthy: boolean; readonly reason?: string; readonly details?: Record<string, unknown> };

export interface MetricsServerOptions {
  /** HOST:PORT (as --metrics-bind) or a parsed Bind. Port 0 picks a free one (see `url`). */
  readonly bind: string | Bind;
  readonly metrics: () => string | Promise<string>;
  readonly health: () => HealthResult | Promise<HealthResult>;
}

export interface MetricsServer {
  /** http://HOST:PORT with the real port, or unix:PATH. */
  readonly url: string;
  readonly bind: Bind;
  close(): Promise<void>;
}

/** The listener for one app: its Prometheus text, and /healthz 200 only while the app says it is healthy. */
export function startAppMetricsServer(bind: string, runtime: Pick<AppRuntime, 'prometheus' | 'status'>): Promise<MetricsServer> {
  return startMetricsServer({
    bind,
    metrics: () => runtime.prometheus(),
    health: () => {
      const st = runtime.status();
      return { healthy: st.healthy, reason: st.healthy ? 'ok' : st.state === 'running' ? 'no worker is ready' : `app is ${st.state}` };
    },
  });
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const bind = typeof options.bind === 'string' ? parseBind(options.bind) : options.bind;
  if (bind === null)
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `metrics-bind is not an address: ${String(options.bind)}`, { field: 'metricsBind' });
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      if (!res.headersSent)
        json(res, 500, { status: 'error', reason: err instanceof Error ? err.message : String(err) }, req.method === 'HEAD');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await listen(server, bind);
  const real: Bind = bind.kind === 'unix' ? bind : { kind: 'tcp', host: bind.host, port: (server.address() as AddressInfo).port };
  return {
    url: real.kind === 'unix' ? formatBind(real) : `http://${formatBind(real)}`,
    bind: real,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // scrapers keep connections alive; stopping must not wait on them
      }),
  };
}

function listen(server: Server, bind: Bind): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = formatBind(bind);
      reject(
        err.code === 'EADDRINUSE'
          ? new GantryError('GANTRY_ERR_PORT_IN_USE', `metrics address ${where} is already in use`, { bind: where }, { cause: err })
          : new GantryError(
              'GANTRY_ERR_BIND',
              `cannot listen on metrics address ${where}: ${err.message}`,
              { bind: where, errno: err.code },
              { cause: err },
            ),
      );
    };
    server.once('error', onError);
    const ready = () => {
      server.off('error', onError);
      resolve();
    };
    if (bind.kind === 'unix') server.listen(bind.path, ready);
    else server.listen(bind.port, bind.host, ready);
  });
}

async function handle(options: MetricsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  const head = req.method === 'HEAD';
  if (path !== '/metrics' && path !== '/healthz') return json(res, 404, { status: 'not found', paths: ['/metrics', '/healthz'] }, head);
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    return json(res, 405, { status: 'method not allowed' }, false);
  }
  res.setHeader('Cache-Control', 'no-store');
  if (path === '/metrics') {
    const body = await options.metrics();
    res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(head ? undefined : body);
    return;
  }
  const h = await options.health();
  const r = typeof h === 'boolean' ? { healthy: h } : h;
  if (r.healthy) return json(res, 200, { status: 'ok', ...(r.details ? { details: r.details } : {}) }, head);
  return json(res, 503, { status: 'unhealthy', reason: r.reason ?? 'not healthy', ...(r.details ? { details: r.details } : {}) }, head);
}

function json(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}
