// Compile-time test, checked by `tsc -p tsconfig.test.json` (npm run typecheck), never run: the server's route
// table, and the client's calls, are held to the contract. Each `@ts-expect-error` below is a mistake the compiler must refuse; if one ever
// compiles, the directive itself becomes the error ("unused '@ts-expect-error'") and the typecheck fails.
import type { RouteHandler, RouteHandlers } from '../../src/control/routes.js';
import type { ApiClient } from '../../src/control/client.js';
import type { AppStatusView } from '../../src/control/contract.js';

declare const status: AppStatusView;
declare const complete: RouteHandlers;

// The right shape compiles: params and body as the schemas parse them, the route's response type out.
export const scale: RouteHandler<'scale'> = ({ params, body }) => ({
  ...status,
  appId: params.id,
  scaled: { workers: body.workers, saved: 1 },
});
export const restartWorker: RouteHandler<'restartWorker'> = ({ params }) => (params.workerId satisfies number, { ok: true });

// @ts-expect-error a wrong response shape: `stop` answers an AppStatusView, not { ok }.
export const wrongShape: RouteHandler<'stop'> = () => ({ ok: true });

// @ts-expect-error a response missing a field: health without its contract version.
export const missingField: RouteHandler<'health'> = () => ({ ok: true, version: '1', pid: 1, home: '/' });

// @ts-expect-error a wrong response in a promise.
export const wrongAsync: RouteHandler<'listApps'> = async () => ({ apps: 'none' });

// @ts-expect-error a param the route does not have: /api/apps/:id has no workerId.
export const wrongParam: RouteHandler<'status'> = ({ params }) => (params.workerId, status);

// @ts-expect-error a body on a route without one.
export const noBody: RouteHandler<'getApp'> = ({ body }) => body.name;

// @ts-expect-error a query value of the wrong type: `history` is '0' | '1', never a boolean.
export const wrongQuery: RouteHandler<'metrics'> = ({ query }) => (query.history === true, { current: null, history: [] });

// @ts-expect-error the table is complete: leaving a route out does not compile.
export const incomplete: RouteHandlers = { health: complete.health };

export const extra: RouteHandlers = {
  ...complete,
  // @ts-expect-error nor does a handler for a route the contract does not declare.
  nope: () => ({}),
};

// The client is held to the same table.
declare const client: ApiClient;
export const typedCall = (): Promise<AppStatusView> => client.call('scale', { params: { id: 'a' }, body: { workers: 2 } });
// @ts-expect-error a call without the route's params.
export const noParams = (): Promise<unknown> => client.call('scale', { body: { workers: 2 } });
// @ts-expect-error a body field the route does not take.
export const extraField = (): Promise<unknown> => client.call('stop', { params: { id: 'a' }, body: { force: true } });
// @ts-expect-error the event stream is read with `stream`, never as one answer.
export const streamAsCall = (): Promise<unknown> => client.call('stream');
