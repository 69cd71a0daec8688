// The HTTP front of one app: a node:http server per bind (TCP or unix:PATH), request limits, request ids,
// the hand-off to the dispatcher, and parser errors answered with a proper status before closing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parseBind, type Bind } from '../config/settings-table.js';
import { GantryError } from '../errors.js';
import { RequestHeadEncoder } from '../fastcgi/request-head.js';
import { buildAccessEntry, setClientAddress } from './access-entry.js';
import { buildParams, type ConnectionFacts } from './cgi-params.js';
import { admitInOrder, connectionEnding, lastOnConnection } from './connection-order.js';
import { sendError, writeRawError } from './error-response.js';
import { Exchange, type ExchangeContext } from './exchange.js';
import { listenOn, type BoundAddress } from './listen-socket.js';
import type { SecureOptions, TlsSettings } from './secure-listener.js';
import { splitTarget } from './path-info.js';
import { inspectRequest, limitsFrom, maxHeaderSizeFor, statusForParserError, type RequestLimits } from './request-limits.js';
import { requestIdFrom } from './request-id.js';
import { timerMs } from '../timer-ms.js';

const SERVER_SOFTWARE = 'gantry/0.1.0';

/**
 * Runs before dispatch (static files, health): returns true when it answered the request itself.
 * `requestId` is already set on the response.
 */
export type PreHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean;

/** What a trusted proxy says about the original request (proxy-headers.ts), or null to use the peer. */
export type ProxyResolver = (
  req: IncomingMessage,
) => { readonly remoteAddr?: string; readonly scheme?: string; readonly host?: string } | null;

export interface GatewaySettings extends TlsSettings {
  readonly bind: readonly string[];
  readonly backlog: number;
  readonly keepAlive: number;
  readonly headerTimeout: number;
  readonly limitRequestLine: number;
  readonly limitRequestFields: number;
  readonly limitRequestFieldSize: number;
  readonly limitRequestBody: number;
}

export interface Listener {
  readonly bind: Bind;
  /** http://HOST:PORT with the real port, or unix:PATH. */
  readonly url: string;
  readonly server: Server;
}

interface ListenerState {
  readonly encoder: RequestHeadEncoder;
  facts: ConnectionFacts;
  readonly unix: boolean;
  /** A TLS bind: HTTPS=on (wsgi.url_scheme https) unless a trusted proxy says otherwise. */
  readonly tls: boolean;
}

export class HttpGateway {
  private readonly listeners: Listener[] = [];
  /** The listeners are fed by a primary process (adopt()), not listening themselves. */
  private adopted = false;
  private readonly adoptedSockets = new Set<Socket>();
  private onAdoptedClose: (() => void) | null = null;
  private limits: RequestLimits;
  private keepAlive: number;
  /** TLS for every TCP bind (--certfile/--keyfile), read once per start. */
  private secure: SecureOptions | null = null;
  /** secure-listener.js, loaded only when TLS is on (node:https and node:http2 cost ~2 MB). */
  private secureModule: typeof import('./secure-listener.js') | null = null;
  private readonly routedStates = new Map<string, ListenerState>();
  preHandlers: PreHandler[] = [];
  proxy: ProxyResolver | null = null;

  constructor(
    private settings: GatewaySettings,
    private readonly ctx: ExchangeContext,
  ) {
    this.limits = limitsFrom(settings);
    this.keepAlive = settings.keepAlive;
  }

  get urls(): string[] {
    return this.listeners.map((l) => l.url);
  }

  get all(): readonly Listener[] {
    return this.listeners;
  }

  /** Live changes that need no new listener (limits, keep-alive). */
  update(settings: GatewaySettings): void {
    this.settings = settings;
    this.limits = limitsFrom(settings);
    this.keepAlive = settings.keepAlive;
    this.ctx.limitRequestBody = settings.limitRequestBody;
    for (const l of this.listeners) this.tune(l.server);
  }

  async listen(): Promise<readonly Listener[]> {
    try {
      await this.loadTls();
      for (const text of this.settings.bind) {
        const bind = parseBind(text);
        if (bind === null) throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `invalid bind ${text}`, { field: 'bind', value: text });
        this.listeners.push(await this.listenOne(bind));
      }
    } catch (err) {
      await this.close(0);
      throw err;
    }
    return this.listeners;
  }

  private tune(server: Server): void {
    server.keepAliveTimeout = timerMs(this.keepAlive * 1000);
    server.headersTimeout = timerMs(this.settings.headerTimeout * 1000);
    server.requestTimeout = 0;
    server.maxHeadersCount = this.limits.fields + 1;
    server.maxRequestsPerSocket = 0;
  }

  private createListener(bind: Bind): { server: Server; state: ListenerState } {
    const tls = bind.kind === 'tcp' && this.secure !== null;
    const options = {
      maxHeaderSize: maxHeaderSizeFor(this.limits),
      // RFC 9112 §3.2: an HTTP/1.1 request without Host gets 400 (node's check).
      requireHostHeader: true,
      // How often node looks for connections past headersTimeout (its default, 30 s, lets a slowloris
      // client hold a socket far longer than --header-timeout).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, this.settings.headerTimeout * 500)),
      noDelay: true,
      keepAlive: true,
    };
    const server = tls ? this.secureModule!.createSecureListener(this.secure!, options) : createServer(options);
    this.tune(server);
    // A client may half-close after sending its request (RFC 9112 §9.6); it still gets its responses, then
    // the close. node:http's default aborts the requests in hand instead.
    (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    const state: ListenerState = {
      encoder: new RequestHeadEncoder([
        ['GATEWAY_INTERFACE', 'CGI/1.1'],
        ['SERVER_SOFTWARE', SERVER_SOFTWARE],
        ['SCRIPT_NAME', ''],
      ]),
      facts: { serverName: '', serverPort: '', remoteAddr: '', remotePort: '', https: false },
      unix: bind.kind === 'unix',
      tls,
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.guarded(state, req, res, false));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.guarded(state, req, res, true));
    // CONNECT asks for a tunnel, which a WSGI app cannot give: 501, logged, then the close (node's default
    // is to drop the connection without a word).
    server.on('connect', (req: IncomingMessage, socket: Socket) => {
      logRefused(this.ctx, req, 501, requestIdFrom(undefined));
      writeRawError(socket, 501, 'CONNECT is not supported');
    });
    server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
      const v = statusForParserError(err, this.limits);
      // Exactly one error per bad request: after a refusal the gateway already sent (the parser then trips
      // on that request's body), the connection only has to close once that answer is out.
      if (v === null) socket.destroy();
      else if (connectionEnding(socket)) closeAfterPending(socket);
      else answerAfterPending(socket, v.status, v.message);
    });
    return { server, state };
  }

  private async listenOne(bind: Bind): Promise<Listener> {
    const { server, state } = this.createListener(bind);
    const address = await listenOn(server, bind, this.settings.backlog);
    state.facts = factsFor(bind, address.port);
    return { bind, url: state.tls ? address.url.replace(/^http:/, 'https:') : address.url, server };
  }

  /**
   * A gateway process of a multi-core gateway: the primary listens and deals connections out
   * (runtime/connection-dealer.ts); here each bind gets a server that never listens and is handed those
   * connections by accept(). `addresses` are the primary's, in bind order (real ports for :0).
   */
  /** Reads the TLS files (GANTRY_ERR_TLS_FILES when they are unusable); call before adopt(), listen() does it itself. */
  async loadTls(): Promise<void> {
    if (!this.settings.certfile) {
      this.secure = null;
      return;
    }
    this.secureModule ??= await import('./secure-listener.js');
    this.secure = this.secureModule.loadTlsSettings(this.settings);
  }

  adopt(addresses: readonly BoundAddress[]): readonly Listener[] {
    this.settings.bind.forEach((text, i) => {
      const bind = parseBind(text);
      const address = addresses[i];
      if (bind === null || address === undefined)
        throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `invalid bind ${text}`, { field: 'bind', value: text });
      const { server, state } = this.createListener(bind);
      state.facts = factsFor(bind, address.port);
      // node:http starts tracking connections (header timeouts, closeIdleConnections) on 'listening'.
      server.emit('listening');
      this.listeners.push({ bind, url: state.tls ? address.url.replace(/^http:/, 'https:') : address.url, server });
    });
    this.adopted = true;
    return this.listeners;
  }

  /** A connection the primary accepted on listener `index` (adopt()). */
  accept(index: number, socket: Socket): void {
    const listener = this.listeners[index];
    if (listener === undefined) {
      socket.destroy();
      return;
    }
    // As node:http's own server sockets: a client's FIN after its request still gets the response.
    socket.allowHalfOpen = true;
    this.adoptedSockets.add(socket);
    socket.once('close', () => {
      this.adoptedSockets.delete(socket);
      this.onAdoptedClose?.();
    });
    listener.server.emit('connection', socket);
    socket.resume();
  }

  /**
   * A request the Host's router accepted (runtime/types.ts AppRuntime.route): handled as one arriving on a
   * bind of this app, with the router listener's TLS-ness and port for HTTPS and SERVER_PORT.
   */
  serveRouted(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    via: { readonly tls: boolean; readonly port: number },
  ): void {
    const key = `${via.tls ? 's' : ''}${via.port}`;
    let state = this.routedStates.get(key);
    if (state === undefined) {
      state = {
        encoder: new RequestHeadEncoder([
          ['GATEWAY_INTERFACE', 'CGI/1.1'],
          ['SERVER_SOFTWARE', SERVER_SOFTWARE],
          ['SCRIPT_NAME', ''],
        ]),
        facts: { serverName: 'localhost', serverPort: String(via.port), remoteAddr: '', remotePort: '', https: via.tls },
        unix: false,
        tls: via.tls,
      };
      this.routedStates.set(key, state);
    }
    this.guarded(state, req, res, expectContinue);
  }

  /** Every listener takes connections (listening, or adopted and not closed). */
  get accepting(): boolean {
    return this.listeners.length > 0 && this.listeners.every((l) => l.server.listening || this.adopted);
  }

  /** A bug in handling one request must cost that request, never the process (and every other request). */
  private guarded(state: ListenerState, req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    try {
      this.onRequest(state, req, res, expectContinue);
    } catch (err) {
      this.ctx.output({
        time: Date.now(),
        app: this.ctx.appName,
        source: 'gantry',
        level: 'error',
        workerId: null,
        workerPid: null,
        requestId: null,
        text: `internal error handling ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      });
      if (!res.headersSent) sendError(res, 500, 'internal error', '-', [], true);
      else res.destroy();
    }
  }

  private onRequest(state: ListenerState, req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    const head = inspectRequest(req, this.limits);
    const requestId = requestIdFrom(head.requestId);
    // The client as the app will see it (REMOTE_ADDR), resolved first so every access entry for this
    // request, whoever answers it, records that same address.
    const socket = req.socket;
    const base = state.facts;
    let facts: ConnectionFacts = {
      serverName: base.serverName,
      serverPort: base.serverPort,
      remoteAddr: state.unix ? '' : (socket.remoteAddress ?? ''),
      remotePort: state.unix ? '' : String(socket.remotePort ?? ''),
      https: state.tls,
    };
    let hostOverride: string | undefined;
    if (this.proxy !== null) {
      const p = this.proxy(req);
      if (p !== null) {
        facts = {
          ...facts,
          remoteAddr: p.remoteAddr ?? facts.remoteAddr,
          https: p.scheme === undefined ? state.tls : p.scheme === 'https',
        };
        hostOverride = p.host;
      }
    }
    setClientAddress(req, facts.remoteAddr);
    const violation = head.violation;
    if (this.keepAlive === 0) res.shouldKeepAlive = false;
    // Whoever answers (a refusal, a pre-handler, the app), it answers in the request's turn on its
    // connection, and not at all when an earlier response closed the connection: such a request is dropped
    // without an access entry, as nginx and gunicorn never read past the response that closes.
    admitInOrder(req, res, {
      start: () => {
        if (violation !== null) {
          sendError(res, violation.status, violation.message, requestId, [], true);
          logRefused(this.ctx, req, violation.status, requestId);
          return;
        }
        for (const pre of this.preHandlers) {
          if (pre(req, res, requestId)) return;
        }
        const target = splitTarget(req.url ?? '/');
        const params = buildParams(req, target, requestId, facts, hostOverride);
        new Exchange(
          this.ctx,
          req,
          res,
          state.encoder,
          params,
          requestId,
          req.method ?? 'GET',
          target.path,
          target.query,
          head.hasBody,
          expectContinue,
        ).start();
      },
    });
    // After a limit error the connection's framing can no longer be trusted; after the client's
    // `Connection: close` (or HTTP/1.0 without keep-alive) it is the last request: nothing behind runs.
    if (violation !== null || !res.shouldKeepAlive) lastOnConnection(req);
  }

  /** Stops accepting; connections still busy get up to `graceMs`, then are cut. */
  async close(graceMs: number): Promise<void> {
    if (this.adopted) return this.closeAdopted(graceMs);
    const closing = this.listeners.splice(0).map(
      (l) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => l.server.closeAllConnections(), timerMs(graceMs));
          l.server.close(() => {
            clearTimeout(timer);
            resolve();
          });
          l.server.closeIdleConnections();
        }),
    );
    await Promise.all(closing);
  }

  /** close() for adopted listeners: a server that never listened does not wait for its connections itself. */
  private closeAdopted(graceMs: number): Promise<void> {
    this.adopted = false;
    for (const l of this.listeners.splice(0)) {
      l.server.close(() => {});
      l.server.closeIdleConnections();
    }
    const sockets = this.adoptedSockets;
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (sockets.size > 0) return;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, timerMs(graceMs));
      this.onAdoptedClose = check;
      check();
    });
  }

  /** Cuts every connection now (fast stop, or the end of a graceful one). */
  closeAllConnections(): void {
    for (const l of this.listeners) l.server.closeAllConnections();
    for (const socket of this.adoptedSockets) socket.destroy();
  }
}

/**
 * A parse error after good pipelined requests: their responses go out first, then the error and the close
 * (writing it at once would cut into a response still streaming).
 */
function answerAfterPending(socket: Socket, status: number, message: string): void {
  const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  // Only a response whose request was read whole is "before" the bad bytes; if the error is in its own
  // body (bad chunking), that request is the bad one.
  if (pending && !pending.writableFinished && pending.req?.complete) {
    pending.once('finish', () => setImmediate(() => answerAfterPending(socket, status, message)));
    pending.once('close', () => {
      if (!pending.writableFinished) socket.destroy();
    });
    return;
  }
  writeRawError(socket, status, message);
}

/** The response in hand (if any) goes out whole, then the connection closes; nothing else is written. */
function closeAfterPending(socket: Socket): void {
  const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending && !pending.writableFinished) {
    pending.once('close', () => socket.destroySoon());
    return;
  }
  socket.destroy();
}

function logRefused(ctx: ExchangeContext, req: IncomingMessage, status: number, requestId: string): void {
  ctx.access(buildAccessEntry(ctx.appName, req, { time: Date.now(), requestId, status, bytes: 0, durationMs: 0 }), req.rawHeaders);
}

function factsFor(bind: Bind, port: number | null): ConnectionFacts {
  if (bind.kind === 'unix') return { serverName: 'localhost', serverPort: '', remoteAddr: '', remotePort: '', https: false };
  return { serverName: bind.host, serverPort: String(port ?? ''), remoteAddr: '', remotePort: '', https: false };
}
