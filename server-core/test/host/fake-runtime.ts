// A stand-in AppRuntime for Host and control API tests that are about the control plane, not the request path:
// it really listens on its TCP binds (so port checks and health checks are real) and answers every request 200,
// emitting one access entry per request (and an output line for /boom). Real-worker tests use createAppRuntime.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBind, type AppSettings } from '../../src/config/settings.js';
import { GantryError } from '../../src/errors.js';
import type {
  AccessEntry,
  AppEvent,
  AppRuntime,
  AppRuntimeEvents,
  AppState,
  MetricsSnapshot,
  OutputLine,
  WorkerSnapshot,
} from '../../src/runtime/types.js';

export interface FakeRuntime extends AppRuntime {
  readonly settings: AppSettings;
}

export function createFakeRuntime(settings: AppSettings, opts: { failStart?: GantryError } = {}): FakeRuntime {
  let state: AppState = 'stopped';
  let error: GantryError | null = null;
  let servers: http.Server[] = [];
  let requests = 0;
  let workersCount = settings.workers;
  let current = settings;
  const listeners: { [K in keyof AppRuntimeEvents]: Set<AppRuntimeEvents[K]> } = { access: new Set(), output: new Set(), event: new Set() };
  const emit = <K extends keyof AppRuntimeEvents>(k: K, v: Parameters<AppRuntimeEvents[K]>[0]): void => {
    for (const l of listeners[k]) (l as (x: typeof v) => void)(v);
  };
  const setState = (s: AppState): void => {
    state = s;
    emit('event', { type: 'state', time: Date.now(), state: s, ...(error ? { error: error.toJSON() } : {}) } as AppEvent);
  };
  const urls = (): string[] => servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`);

  const rt: FakeRuntime = {
    get settings() {
      return current;
    },
    status: () => ({
      name: current.name,
      state,
      urls: state === 'running' ? urls() : [],
      healthy: state === 'running',
      generation: 1,
      error: error?.toJSON() ?? null,
      settings: current,
    }),
    async start() {
      setState('starting');
      if (opts.failStart) {
        error = opts.failStart;
        setState('failed');
        throw opts.failStart;
      }
      for (const b of current.bind) {
        const bind = parseBind(b);
        if (bind?.kind !== 'tcp') continue;
        const server = http.createServer((req, res) => {
          const started = Date.now();
          const requestId = String(req.headers['x-request-id'] ?? `req-${++requests}`);
          const path = (req.url ?? '/').split('?')[0]!;
          if (path === '/boom') {
            const line: OutputLine = {
              time: Date.now(),
              app: current.name,
              source: 'stderr',
              level: 'error',
              workerId: 1,
              workerPid: process.pid,
              requestId,
              text: 'Traceback: boom',
            };
            emit('output', line);
          }
          const status = path === '/boom' ? 500 : path === '/missing' ? 404 : 200;
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end(`hello ${current.env.GREETING ?? ''}`, () => {
            const entry: AccessEntry = {
              time: started,
              app: current.name,
              requestId,
              method: req.method ?? 'GET',
              path,
              query: (req.url ?? '').split('?')[1] ?? '',
              protocol: 'HTTP/1.1',
              status,
              bytes: 6,
              durationMs: Number(req.headers['x-fake-duration'] ?? Date.now() - started),
              workerPid: process.pid,
              remoteAddr: '127.0.0.1',
              userAgent: String(req.headers['user-agent'] ?? ''),
              referer: '',
            };
            emit('access', entry);
          });
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', (e: NodeJS.ErrnoException) =>
            reject(new GantryError(e.code === 'EADDRINUSE' ? 'GANTRY_ERR_PORT_IN_USE' : 'GANTRY_ERR_BIND', e.message)),
          );
          server.listen({ host: bind.host, port: bind.port, exclusive: true }, () => resolve());
        });
        servers.push(server);
      }
      setState('running');
    },
    async stop() {
      if (state === 'stopped') return;
      setState('stopping');
      await Promise.all(
        servers.map(
          (s) =>
            new Promise((r) => {
              s.closeAllConnections();
              s.close(r);
            }),
        ),
      );
      servers = [];
      setState('stopped');
    },
    async reload(o) {
      if (o?.settings) current = o.settings;
      emit('event', { type: 'reload', time: Date.now(), phase: 'done', generation: 2, mode: o?.mode ?? 'generation' });
    },
    async scale(n) {
      emit('event', { type: 'scale', time: Date.now(), from: workersCount, to: n });
      workersCount = n;
      current = { ...current, workers: n }; // as a real runtime's settings follow a scale
    },
    async restartWorker() {},
    workers: (): WorkerSnapshot[] =>
      state === 'running'
        ? Array.from({ length: workersCount }, (_, i) => ({
            id: i + 1,
            pid: process.pid,
            generation: 1,
            state: 'idle',
            current: [],
            requests: 0,
            rssBytes: null,
            cpuPercent: null,
            startedAt: Date.now(),
            restarts: 0,
            lastExit: null,
          }))
        : [],
    metrics: (): MetricsSnapshot => ({
      time: Date.now(),
      requests,
      rate: 0,
      latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
      statusClasses: { '1xx': 0, '2xx': requests, '3xx': 0, '4xx': 0, '5xx': 0 },
      inFlight: 0,
      queueDepth: 0,
      workersBusy: 0,
      workersTotal: workersCount,
      restarts: 0,
      uptimeSeconds: 1,
      workerRssBytes: {},
    }),
    prometheus: () =>
      `# HELP gantry_requests_total Requests.\n# TYPE gantry_requests_total counter\ngantry_requests_total{app="${current.name}"} ${requests}\n`,
    on(event, listener) {
      (listeners[event] as Set<typeof listener>).add(listener);
      return () => (listeners[event] as Set<typeof listener>).delete(listener);
    },
  };
  return rt;
}
