// What the Host's router needs from a runtime (host/router.ts): taking a request in-process. Kept out of
// runtime/types.ts, which the renderer's type-check reads and which must not need node's types.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The router listener a routed request came in on. */
export interface RoutedVia {
  readonly tls: boolean;
  readonly port: number;
}

export interface Routable {
  /**
   * A request the Host's router took on its own listener (https://NAME.localhost): served by this app's
   * gateway in-process, with its access log, request ids, metrics and limits. Returns false when the app is
   * not listening.
   */
  route(req: IncomingMessage, res: ServerResponse, expectContinue: boolean, via: RoutedVia): boolean;
}

/** Runtimes whose gateway runs in other processes (gatewayProcesses > 1) have no route(). */
export function isRoutable(runtime: object): runtime is Routable {
  return typeof (runtime as Partial<Routable>).route === 'function';
}
