// The HTTP front of one app: a node:http server per bind (TCP or unix:PATH), request limits, request ids,
// the hand-off to the dispatcher, and parser errors answered with a proper status before closing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lstatSync, unlinkSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { formatBind, parseBind, type Bind } from '../config/settings.js';
import { GantryError } from '../errors.js';
import { RequestHeadEncoder } from '../fastcgi/request-head.js';
import { buildParams, type ConnectionFacts } from './cgi-params.js';
import { sendError, writeRawError } from './error-response.js';
import { Exchange, type ExchangeContext } from './exchange.js';
import { splitTarget } from './path-info.js';
import { inspectRequest, limitsFrom, maxHeaderSizeFor, statusForParserError, type RequestLimits } from './request-limits.js';
import { requestIdFrom } from './request-id.js';

export const SERVER_SOFTWARE = 'gantry/0.1.0';

/**
 * Runs before dispatch (static files, health): returns true when it answered the request itself.
 * `requestId` is already set on the response.
 */
export type PreHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean;

/** What a trusted proxy says about the original request (proxy-headers.ts), or null to use the peer. */
export type ProxyResolver = (req: IncomingMessage) => { readonly remoteAddr?: string; readonly scheme?: string; readonly host?: string } | null;

export interface GatewaySettings {
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
}

export class HttpGateway {
  private readonly listeners: Listener[] = [];
  private limits: RequestLimits;
  private keepAlive: number;
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
    server.keepAliveTimeout = this.keepAlive * 1000;
    server.headersTimeout = this.settings.headerTimeout * 1000;
    server.requestTimeout = 0;
    server.maxHeadersCount = this.limits.fields + 1;
    server.maxRequestsPerSocket = 0;
  }

  private listenOne(bind: Bind): Promise<Listener> {
    const server = createServer({
      maxHeaderSize: maxHeaderSizeFor(this.limits),
      // RFC 9112 §3.2: an HTTP/1.1 request without Host gets 400 (node's check).
      requireHostHeader: true,
      // How often node looks for connections past headersTimeout (its default, 30 s, lets a slowloris
      // client hold a socket far longer than --header-timeout).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, this.settings.headerTimeout * 500)),
      noDelay: true,
      keepAlive: true,
    });
    this.tune(server);
    const state: ListenerState = {
      encoder: new RequestHeadEncoder([
        ['GATEWAY_INTERFACE', 'CGI/1.1'],
        ['SERVER_SOFTWARE', SERVER_SOFTWARE],
        ['SCRIPT_NAME', ''],
      ]),
      facts: { serverName: '', serverPort: '', remoteAddr: '', remotePort: '', https: false },
      unix: bind.kind === 'unix',
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.guarded(state, req, res, false));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.guarded(state, req, res, true));
    server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
      const v = statusForParserError(err, this.limits);
      if (v === null) socket.destroy();
      else answerAfterPending(socket, v.status, v.message);
    });
    return new Promise<Listener>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.close();
        if (err.code === 'EADDRINUSE') reject(new GantryError('GANTRY_ERR_PORT_IN_USE', `${formatBind(bind)} is already in use`, { bind: formatBind(bind) }, { cause: err }));
        else reject(new GantryError('GANTRY_ERR_BIND', `cannot listen on ${formatBind(bind)}: ${err.message}`, { bind: formatBind(bind), errno: err.code }, { cause: err }));
      };
      server.once('error', onError);
      const done = (): void => {
        server.off('error', onError);
        server.on('error', () => {});
        let url: string;
        if (bind.kind === 'unix') {
          url = `unix:${bind.path}`;
          state.facts = { serverName: 'localhost', serverPort: '', remoteAddr: '', remotePort: '', https: false };
        } else {
          const addr = server.address() as AddressInfo;
          const host = bind.host;
          url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
          state.facts = { serverName: host, serverPort: String(addr.port), remoteAddr: '', remotePort: '', https: false };
        }
        resolve({ bind, url, server });
      };
      if (bind.kind === 'unix') {
        removeStaleSocket(bind.path);
        server.listen({ path: bind.path, backlog: this.settings.backlog }, done);
      } else {
        server.listen({ host: bind.host, port: bind.port, backlog: this.settings.backlog }, done);
      }
    });
  }

  /** A bug in handling one request must cost that request, never the process (and every other request). */
  private guarded(state: ListenerState, req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    try {
      this.onRequest(state, req, res, expectContinue);
    } catch (err) {
      this.ctx.output({ time: Date.now(), app: this.ctx.appName, source: 'gantry', level: 'error', workerId: null, workerPid: null, requestId: null, text: `internal error handling ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
      if (!res.headersSent) sendError(res, 500, 'internal error', '-', [], true);
      else res.destroy();
    }
  }

  private onRequest(state: ListenerState, req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    const head = inspectRequest(req, this.limits);
    const requestId = requestIdFrom(head.requestId);
    const violation = head.violation;
    if (violation !== null) {
      // The connection is closed after a limit error: its framing can no longer be trusted.
      sendError(res, violation.status, violation.message, requestId, [], true);
      logRefused(this.ctx, req, violation.status, requestId);
      return;
    }
    if (this.keepAlive === 0) res.shouldKeepAlive = false;
    for (const pre of this.preHandlers) {
      if (pre(req, res, requestId)) return;
    }
    const url = req.url ?? '/';
    const target = splitTarget(url);
    const socket = req.socket;
    let facts = state.facts;
    facts = {
      serverName: facts.serverName,
      serverPort: facts.serverPort,
      remoteAddr: state.unix ? '' : (socket.remoteAddress ?? ''),
      remotePort: state.unix ? '' : String(socket.remotePort ?? ''),
      https: false,
    };
    let hostOverride: string | undefined;
    if (this.proxy !== null) {
      const p = this.proxy(req);
      if (p !== null) {
        facts = { ...facts, remoteAddr: p.remoteAddr ?? facts.remoteAddr, https: p.scheme === 'https' };
        hostOverride = p.host;
      }
    }
    const params = buildParams(req, target, requestId, facts, hostOverride);
    const exchange = new Exchange(this.ctx, req, res, state.encoder, params, requestId, req.method ?? 'GET', target.path, target.query, head.hasBody, expectContinue);
    exchange.start();
  }

  /** Stops accepting; connections still busy get up to `graceMs`, then are cut. */
  async close(graceMs: number): Promise<void> {
    const closing = this.listeners.splice(0).map(
      (l) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => l.server.closeAllConnections(), graceMs);
          l.server.close(() => {
            clearTimeout(timer);
            resolve();
          });
          l.server.closeIdleConnections();
        }),
    );
    await Promise.all(closing);
  }

  /** Cuts every connection now (fast stop, or the end of a graceful one). */
  closeAllConnections(): void {
    for (const l of this.listeners) l.server.closeAllConnections();
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

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    /* nothing there */
  }
}

function logRefused(ctx: ExchangeContext, req: IncomingMessage, status: number, requestId: string): void {
  const url = req.url ?? '';
  const target = splitTarget(url.length > 2048 ? url.slice(0, 2048) : url);
  ctx.access({
    time: Date.now(),
    app: ctx.appName,
    requestId,
    method: req.method ?? '',
    path: target.path,
    query: target.query,
    protocol: `HTTP/${req.httpVersion}`,
    status,
    bytes: 0,
    durationMs: 0,
    workerPid: null,
    remoteAddr: req.socket.remoteAddress ?? '',
    userAgent: (req.headers['user-agent'] as string | undefined) ?? '',
    referer: (req.headers.referer as string | undefined) ?? '',
  }, req.rawHeaders);
}
