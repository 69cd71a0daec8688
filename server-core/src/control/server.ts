// The control API (fastify) on 127.0.0.1: the routes of contract.ts bound to the Host, the SSE stream,
// Prometheus text, and the built renderer. Every input is validated with the contract's zod schemas; bad input
// gets 400 {code: GANTRY_ERR_INVALID_CONFIG, message, details: {field, reason}}.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ERRORS, GantryError, serializeError, type ErrorCode, type SerializedError } from '../errors.js';
import type { Host } from '../host/host.js';
import { invalid } from '../host/definitions.js';
import { CONTRACT_VERSION, ROUTES, eventsQuerySchema, type ErrorBody, type RouteName } from './contract.js';
import { VERSION } from '../cli/version.js';
import { contentSecurityPolicy } from './csp.js';
import { checkHostAndOrigin, checkToken, type Gate } from './security.js';
import { SseClient } from './sse.js';
import { defaultRendererDir, indexHtml, lookupStatic } from './static-ui.js';

export interface ControlServerOptions {
  readonly host: Host;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly rendererDir?: string;
  /** Origins accepted besides the API's own, e.g. the Electron window's `gantry://ui`. */
  readonly allowedOrigins?: readonly string[];
  readonly heartbeatMs?: number;
  /** Told of every unexpected (GANTRY_ERR_INTERNAL) error a route raised, with its stack; default: stderr. */
  readonly logInternalError?: (err: SerializedError, where: string) => void;
  /** Bytes one SSE client may leave unread before it is disconnected (it resumes with Last-Event-ID). */
  readonly sseMaxBufferedBytes?: number;
  /** Most event-stream subscribers at once; more get 503 GANTRY_ERR_TOO_MANY_STREAMS. */
  readonly sseMaxClients?: number;
  /** Batched streams' interval (ms). */
  readonly sseBatchMs?: number;
}

/** Default cap on event-stream subscribers: far more windows than a person opens, few enough to cost nothing. */
export const DEFAULT_SSE_MAX_CLIENTS = 64;

export interface ControlServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

type Input = { params: any; query: any; body: any };
type Handler = (input: Input) => Promise<unknown> | unknown;

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.infer<S> | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw invalid(r.error, where === 'body' ? '' : where);
  return r.data;
}

function handlers(host: Host): Partial<Record<RouteName, Handler>> {
  return {
    health: () => ({ ok: true, version: VERSION, contractVersion: CONTRACT_VERSION, pid: process.pid, home: host.home }),
    notices: () => ({ notices: host.notices }),
    listApps: () => ({ apps: host.listApps() }),
    addApp: ({ body }) => host.addApp(body),
    addDemo: () => host.addDemo(),
    getApp: ({ params }) => host.getApp(params.id),
    updateApp: ({ params, body }) => host.updateApp(params.id, body),
    removeApp: async ({ params }) => (await host.removeApp(params.id), { ok: true }),
    effective: ({ params, query }) => host.effective(params.id, query.profile, query.unsaved === '1'),
    saveToProject: ({ params, body }) => host.saveToProject(params.id, body.includeProfiles ?? true),
    exportApp: ({ params, body }) => host.exportApp(params.id, body),
    start: ({ params, body }) => host.start(params.id, body.profile),
    stop: ({ params, body }) => host.stop(params.id, body.graceful ?? true),
    restart: ({ params, body }) => host.restart(params.id, body.profile),
    reload: ({ params, body }) => host.reload(params.id, body.mode),
    scale: ({ params, body }) => host.scale(params.id, body.workers),
    restartWorker: async ({ params }) => (await host.restartWorker(params.id, params.workerId), { ok: true }),
    launch: ({ params, body }) => host.launch(params.id, body.profile ?? 'staging', body.wait ?? true),
    getLaunch: ({ params }) => host.getLaunch(params.launchId),
    status: ({ params }) => host.status(params.id),
    workers: ({ params }) => ({ workers: host.workers(params.id) }),
    metrics: ({ params, query }) => host.metrics(params.id, query.history === '1'),
    access: ({ params, query }) => host.access(params.id, query),
    routes: ({ params }) => host.routes(params.id),
    request: ({ params }) => host.request(params.id, params.requestId),
    output: ({ params, query }) => host.output(params.id, query),
    events: ({ params, query }) => host.events(params.id, query),
    detect: ({ body }) => host.detect(body.folder, body.verify ?? true, { ...(body.trust ? { trust: true } : {}), ...(body.python ? { python: body.python } : {}) }),
    checkPort: ({ body }) => host.checkPort(body.bind, body.appId),
    fsList: ({ query }) => host.listFolder(query.path),
  };
}

/** A URL path decoded and with runs of slashes collapsed, lower-cased: how it reads, not how it is spelled. */
function normalisedPath(url: string): string {
  let p = url;
  try {
    p = decodeURIComponent(url);
  } catch {
    /* keep it raw */
  }
  return p.replace(/\/{2,}/g, '/').toLowerCase();
}

function errorBody(e: unknown): { status: number; body: ErrorBody } {
  const fe = e as { statusCode?: number; message?: string; code?: string };
  if (!(e instanceof GantryError) && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // fastify's own refusals: bad JSON, wrong content type, body too large.
    return { status: fe.statusCode, body: { code: 'GANTRY_ERR_INVALID_CONFIG', message: fe.message ?? 'bad request', details: { field: 'body', reason: fe.message ?? fe.code ?? 'bad request' } } };
  }
  const body = serializeError(e);
  return { status: ERRORS[body.code].status, body: body as ErrorBody };
}

/** Where a bug (an error that is not a GantryError) is told, with its stack: stderr, unless the embedder says. */
function defaultLogInternal(err: SerializedError, where: string): void {
  process.stderr.write(`gantry: internal error in ${where}: ${err.stack ?? err.message}\n`);
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { host } = options;
  let port = 0;
  const gate: Gate = { port: () => port, token: host.token, extraOrigins: options.allowedOrigins ?? [] };
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  // forceCloseConnections: at close, keep-alive and streaming sockets are cut rather than waited for.
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    // Refusals fastify makes before routing (a malformed URL) answer in the API's error shape too.
    frameworkErrors: (error, _req, reply) => {
      const r = reply as unknown as FastifyReply;
      void r.code(400).send({ code: 'GANTRY_ERR_INVALID_CONFIG', message: error.message, details: { field: 'url', reason: error.message } });
    },
  });
  const streams = new Set<() => void>();

  // Empty JSON bodies count as {} (a POST /start with nothing to say).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch (e) {
      done(Object.assign(new Error(`body is not valid JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  const refuse = (reply: FastifyReply, status: number, code: ErrorCode, message: string) => reply.code(status).header('cache-control', 'no-store').send({ code, message });
  const corsFor = (req: FastifyRequest): Record<string, string> => {
    const origin = req.headers.origin;
    return origin && gate.extraOrigins.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
  };

  app.addHook('onRequest', async (req, reply) => {
    const hv = checkHostAndOrigin(gate, req.headers);
    if (!hv.ok) return refuse(reply, hv.status, hv.code, hv.message);
    reply.headers({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', ...corsFor(req) });
    if (req.method === 'OPTIONS') {
      // CORS preflight from an allowed extra origin (the Electron window); carries no token by design.
      return reply
        .code(204)
        .headers({ 'access-control-allow-methods': 'GET, POST, PATCH, DELETE', 'access-control-allow-headers': 'authorization, content-type, last-event-id', 'access-control-max-age': '600' })
        .send();
    }
    // Decide by the route the router matched, not by the URL's spelling: the router decodes (/%61pi/apps is
    // /api/apps), so a prefix test on the raw URL could be walked around. Every registered route is API or
    // /metrics and needs the token; only the not-found handler (the UI's files) has its own rule.
    const route = req.routeOptions.url;
    const url = req.url.split('?')[0]!;
    if (route !== undefined || url.toLowerCase().startsWith('/api')) {
      const queryToken = req.method === 'GET' && route === ROUTES.stream.path ? ((req.query as { token?: unknown }).token as string | undefined) ?? null : null;
      const tv = checkToken(gate, req.headers, queryToken);
      if (!tv.ok) return refuse(reply, tv.status, tv.code, tv.message);
      reply.header('cache-control', 'no-store');
    }
  });

  const logInternal = options.logInternalError ?? defaultLogInternal;
  app.setErrorHandler((error, req, reply) => {
    const { status, body } = errorBody(error);
    // An unexpected error is a bug: logged with its stack where someone will look, and answered with it too.
    if (body.code === 'GANTRY_ERR_INTERNAL') logInternal(body as SerializedError, `${req.method} ${req.url.split('?')[0]}`);
    reply.code(status).send(body);
  });

  const table = handlers(host);
  for (const [name, route] of Object.entries(ROUTES) as [RouteName, (typeof ROUTES)[RouteName]][]) {
    const handler = table[name];
    if (!handler) continue;
    app.route({
      method: route.method,
      url: route.path,
      handler: async (req, reply) => {
        const input: Input = {
          params: parse('params' in route ? route.params : undefined, req.params, 'params'),
          query: parse('query' in route ? route.query : undefined, req.query, 'query'),
          body: parse('body' in route ? route.body : undefined, req.body, 'body'),
        };
        const result = await handler(input);
        return reply.code(200).send(result);
      },
    });
  }

  app.get(ROUTES.prometheus.path, async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(host.prometheus()));

  app.get(ROUTES.stream.path, (req, reply) => {
    const query = parse(eventsQuerySchema, req.query, 'query')!;
    if (streams.size >= (options.sseMaxClients ?? DEFAULT_SSE_MAX_CLIENTS)) {
      return refuse(reply.header('retry-after', '5'), 503, 'GANTRY_ERR_TOO_MANY_STREAMS', `already serving ${streams.size} event streams`);
    }
    const headerId = req.headers['last-event-id'];
    const lastId = typeof headerId === 'string' && /^\d+$/.test(headerId) ? Number(headerId) : query.lastEventId;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', ...corsFor(req) });
    res.socket?.setNoDelay(true);
    const { batch, maxRate, slowMs, access, status, method, minDurationMs, path, columns } = query;
    const client = new SseClient(res, host.hub, {
      maxBufferedBytes: options.sseMaxBufferedBytes,
      apps: query.apps,
      types: query.types,
      batch: batch === '1' ? { maxRate, slowMs, access, status, method, minDurationMs, path, columns, intervalMs: options.sseBatchMs } : undefined,
    });
    client.raw(`retry: 2000\n: connected, latest id ${host.hub.latestId}\n\n`);
    // The replay (read from the ring as the socket takes it) and the subscription start in one synchronous block,
    // so no event can slip between them.
    client.start(lastId);
    const unsubscribe = host.hub.subscribe((e) => client.send(e));
    const heartbeat = setInterval(() => client.comment('hb'), options.heartbeatMs ?? 15_000);
    const end = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      client.close();
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    res.on('close', end);
    res.on('error', end);
  });

  // The UI: everything not under /api. Its files hold no secret (the token comes in the URL fragment), so they need
  // none: nothing a browser sends by itself is ever asked for, or honoured.
  const csp = contentSecurityPolicy("'self'");
  app.setNotFoundHandler(async (req, reply) => {
    const url = req.url.split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(reply, 404, 'GANTRY_ERR_NOT_FOUND', `no route ${req.method} ${url}`);
    // However a path is spelled (`//api/x`, `/%61pi/x`), what looks like the API is never answered as the UI.
    if (/^\/(api|metrics)(\/|$)/.test(normalisedPath(url))) {
      const tv = checkToken(gate, req.headers, null);
      if (!tv.ok) return refuse(reply, tv.status, tv.code, tv.message);
      return refuse(reply, 404, 'GANTRY_ERR_NOT_FOUND', `no route ${req.method} ${url}`);
    }
    const found = await lookupStatic(rendererDir, url);
    if (found.kind === 'missing') return refuse(reply, 404, 'GANTRY_ERR_NOT_FOUND', `no file ${url}`);
    reply.header('content-security-policy', csp);
    if (found.kind === 'index') return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(await indexHtml(rendererDir));
    return reply.type(found.type).header('cache-control', 'no-cache').send(found.body);
  });

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: host.token,
    async close() {
      for (const end of [...streams]) end();
      await app.close();
    },
  };
}

