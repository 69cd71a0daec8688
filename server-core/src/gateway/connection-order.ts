// The order pipelined requests of one connection reach the app in (RFC 9112 §9.3.2). node:http hands
// over every pipelined request as soon as it is parsed; left alone, a POST would run beside the requests
// before it, and a request behind a response that closes the connection would still run. Here:
// - safe methods (GET, HEAD, OPTIONS, TRACE) behind only safe ones start at once (they may overlap);
// - anything else waits until every earlier request on the connection has finished, and the requests
//   behind it wait for it;
// - once a response that closes the connection is known (a gateway error, the client's or the app's
//   `Connection: close`, a cut response), no request still waiting is ever started.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** What is started in its turn (the exchange). */
export interface Startable {
  start(): void;
}

interface Waiting {
  readonly res: ServerResponse;
  readonly safe: boolean;
  readonly job: Startable;
}

class ConnectionOrder {
  /** Requests started and not finished. */
  private running = 0;
  private unsafeRunning = false;
  private readonly waiting: Waiting[] = [];
  /** A request asked to be the last one (`Connection: close`, or refused by the gateway): none after it is admitted. */
  last = false;
  /** A response that ends the connection was sent: nothing more starts, not even what waits. */
  closing = false;

  admit(req: IncomingMessage, res: ServerResponse, job: Startable): void {
    if (this.last || this.closing) return;
    const safe = SAFE.has(req.method ?? '');
    // Once anything waits, everything behind it waits too: the order is the connection's.
    if (this.waiting.length > 0 || (this.running > 0 && (!safe || this.unsafeRunning))) this.waiting.push({ res, safe, job });
    else this.begin({ res, safe, job });
  }

  private begin(w: Waiting): void {
    this.running++;
    if (!w.safe) this.unsafeRunning = true;
    w.res.once('close', () => this.done(w));
    w.job.start();
  }

  private done(w: Waiting): void {
    this.running--;
    if (!w.safe) this.unsafeRunning = false;
    const res = w.res as ServerResponse & { _last?: boolean };
    // node's own "last response on this socket" (a Connection: close it sent, or set by the exchange when it
    // cut the connection), or a response that never finished: the connection is going.
    if (res._last === true || !res.writableFinished) this.closing = true;
    while (this.waiting.length > 0 && !this.closing) {
      const next = this.waiting[0]!;
      if (this.running > 0 && (!next.safe || this.unsafeRunning)) return;
      this.waiting.shift();
      if (!next.res.destroyed) this.begin(next);
    }
    if (this.closing) this.waiting.length = 0;
  }
}

const orders = new WeakMap<Socket, ConnectionOrder>();

function orderOf(socket: Socket): ConnectionOrder {
  let order = orders.get(socket);
  if (order === undefined) {
    order = new ConnectionOrder();
    orders.set(socket, order);
  }
  return order;
}

/**
 * Starts the request now or when its turn on the connection comes; never, if the connection is closing
 * (the request then gets no response: the connection closes after the one that ended it).
 */
export function admitInOrder(req: IncomingMessage, res: ServerResponse, job: Startable): void {
  // HTTP/2 streams are concurrent by design and framed one by one: no pipeline to keep in order.
  if (req.httpVersionMajor !== 1) return job.start();
  orderOf(req.socket).admit(req, res, job);
}

/** This request is the connection's last (a gateway error, `Connection: close`): nothing behind it is admitted. */
export function lastOnConnection(req: IncomingMessage): void {
  if (req.httpVersionMajor !== 1) return;
  orderOf(req.socket).last = true;
}

/** A response that ends this connection is sent or on its way: the connection has nothing more to say. */
export function connectionEnding(socket: Socket): boolean {
  const order = orders.get(socket);
  return order !== undefined && (order.last || order.closing);
}
