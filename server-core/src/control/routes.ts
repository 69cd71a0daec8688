// The routes of contract.ts bound to the Host. The table is a complete mapped type over the contract's routes: a
// route added to the contract and not answered here, a handler reading a param the route does not have, or one
// answering another shape than the route's response type is a compile error (test/control/route-types.ts shows
// each). The inputs are what the contract's schemas parse to; the server parses before it calls.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { VERSION } from '../cli/version.js';
import { invalid } from '../host/definitions.js';
import type { Host } from '../host/host.js';
import { CONTRACT_VERSION, ROUTES, type CallRouteName, type ResponseOf, type RouteName, type Routes, type RouteSpec } from './contract.js';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A route's inputs as its schemas parse them (defaults and coercions applied); undefined where it has none. */
interface RouteInput<N extends RouteName> {
  readonly params: Routes[N] extends { readonly params: infer P } ? Parsed<P> : undefined;
  readonly query: Routes[N] extends { readonly query: infer Q } ? Parsed<Q> : undefined;
  readonly body: Routes[N] extends { readonly body: infer B } ? Parsed<B> : undefined;
}

export type RouteHandler<N extends RouteName> = (input: RouteInput<N>) => ResponseOf<N> | Promise<ResponseOf<N>>;

/**
 * Every route that answers once, with a body: one handler each, none missing, none extra. The event stream holds its
 * connection open and answers from the event hub (event-stream-route.ts), so it is no handler.
 */
export type RouteHandlers = { readonly [N in CallRouteName]: RouteHandler<N> };

export function routeHandlers(host: Host): RouteHandlers {
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
    detect: ({ body }) =>
      host.detect(body.folder, body.verify ?? true, {
        ...(body.trust ? { trust: true } : {}),
        ...(body.python ? { python: body.python } : {}),
      }),
    checkPort: ({ body }) => host.checkPort(body.bind, body.appId),
    fsList: ({ query }) => host.listFolder(query.path),
    prometheus: () => host.prometheus(),
  };
}

/** A request's params, query or body through its schema: a 400 naming the field when it does not parse. */
export function parseInput<S extends z.ZodType>(
  schema: S | undefined,
  value: unknown,
  where: 'params' | 'query' | 'body',
): z.output<S> | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw invalid(r.error, where === 'body' ? '' : where);
  return r.data;
}

/** Registers every handler at its contract route: inputs parsed first, the answer in the route's content type. */
export function registerRoutes(app: FastifyInstance, handlers: RouteHandlers): void {
  for (const name of Object.keys(handlers) as CallRouteName[]) {
    const spec: RouteSpec = ROUTES[name];
    // Each handler was checked against its own route above; called here through the union, with that route's input.
    const handler = handlers[name] as (input: RouteInput<typeof name>) => unknown;
    app.route({
      method: spec.method,
      url: spec.path,
      handler: async (req, reply) => {
        const input = {
          params: parseInput(spec.params, req.params, 'params'),
          query: parseInput(spec.query, req.query, 'query'),
          body: parseInput(spec.body, req.body, 'body'),
        } as RouteInput<typeof name>;
        const result = await handler(input);
        if (spec.produces) reply.type(spec.produces);
        return reply.code(200).send(result);
      },
    });
  }
}
