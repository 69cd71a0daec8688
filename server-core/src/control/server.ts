// The control API (fastify) on 127.0.0.1: the gate every request passes (security.ts), then the contract's routes
// bound to the Host (routes.ts), the event stream (event-stream-route.ts) and the built renderer (static-ui.ts).
// Every input is validated with the contract's zod schemas; bad input gets 400 {code: GANTRY_ERR_INVALID_CONFIG,
// message, details: {field, reason}}, and every failure the same shape (error-reply.ts).
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { SerializedError } from '../errors.js';
import type { Host } from '../host/host.js';
import { ROUTES } from './contract.js';
import { defaultLogInternal, errorReply, refuse } from './error-reply.js';
import { registerEventStream, type EventStreamOptions } from './event-stream-route.js';
import { registerRoutes, routeHandlers } from './routes.js';
import { checkHostAndOrigin, checkToken, corsHeaders, type Gate } from './security.js';
import { defaultRendererDir, registerUi } from './static-ui.js';

export interface ControlServerOptions extends EventStreamOptions {
  readonly host: Host;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly rendererDir?: string;
  /** Origins accepted besides the API's own, e.g. the Electron window's `gantry://ui`. */
  readonly allowedOrigins?: readonly string[];
  /** Told of every unexpected (GANTRY_ERR_INTERNAL) error a route raised, with its stack; default: stderr. */
  readonly logInternalError?: (err: SerializedError, where: string) => void;
}

export interface ControlServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { host } = options;
  let port = 0;
  const gate: Gate = { port: () => port, token: host.token, extraOrigins: options.allowedOrigins ?? [] };
  // forceCloseConnections: at close, keep-alive and streaming sockets are cut rather than waited for.
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    // Refusals fastify makes before routing (a malformed URL) answer in the API's error shape too.
    frameworkErrors: (error, _req, reply) => {
      const r = reply as unknown as FastifyReply;
      void r
        .code(400)
        .send({ code: 'GANTRY_ERR_INVALID_CONFIG', message: error.message, details: { field: 'url', reason: error.message } });
    },
  });

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

  const corsFor = (req: FastifyRequest): Record<string, string> => corsHeaders(gate, req.headers.origin);

  app.addHook('onRequest', async (req, reply) => {
    const hv = checkHostAndOrigin(gate, req.headers);
    if (!hv.ok) return refuse(reply, hv.status, hv.code, hv.message);
    reply.headers({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', ...corsFor(req) });
    if (req.method === 'OPTIONS') {
      // CORS preflight from an allowed extra origin (the Electron window); carries no token by design.
      return reply
        .code(204)
        .headers({
          'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
          'access-control-allow-headers': 'authorization, content-type, last-event-id',
          'access-control-max-age': '600',
        })
        .send();
    }
    // Decide by the route the router matched, not by the URL's spelling: the router decodes (/%61pi/apps is
    // /api/apps), so a prefix test on the raw URL could be walked around. Every registered route is API or
    // /metrics and needs the token; only the not-found handler (the UI's files) has its own rule.
    const route = req.routeOptions.url;
    const url = req.url.split('?')[0]!;
    if (route !== undefined || url.toLowerCase().startsWith('/api')) {
      const queryToken =
        req.method === 'GET' && route === ROUTES.stream.path
          ? (((req.query as { token?: unknown }).token as string | undefined) ?? null)
          : null;
      const tv = checkToken(gate, req.headers, queryToken);
      if (!tv.ok) return refuse(reply, tv.status, tv.code, tv.message);
      reply.header('cache-control', 'no-store');
    }
  });

  const logInternal = options.logInternalError ?? defaultLogInternal;
  app.setErrorHandler((error, req, reply) => {
    const { status, body } = errorReply(error);
    // An unexpected error is a bug: logged with its stack where someone will look, and answered with it too.
    if (body.code === 'GANTRY_ERR_INTERNAL') logInternal(body as SerializedError, `${req.method} ${req.url.split('?')[0]}`);
    reply.code(status).send(body);
  });

  registerRoutes(app, routeHandlers(host));
  const streams = registerEventStream(app, host, options, corsFor);
  registerUi(app, gate, options.rendererDir ?? defaultRendererDir());

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: host.token,
    async close() {
      streams.endAll();
      await app.close();
    },
  };
}
