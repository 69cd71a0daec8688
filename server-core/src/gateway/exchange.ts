// One HTTP request's trip through a worker: it waits in the dispatcher's queue, sends the FastCGI
// request, streams the body both ways with back-pressure, frames the response, and writes the access
// entry. It is the dispatcher's job and the worker connection's response sink at once (no closures per
// request beyond what node's streams need).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ERRORS } from '../errors.js';
import type { CgiHead } from '../fastcgi/cgi-response.js';
import type { ParamList, RequestHeadEncoder } from '../fastcgi/request-head.js';
import { Flushed, WorkerNeverStartedError, WorkerOverloadedError, type ResponseSink, type WorkerConnection } from '../fastcgi/worker-connection.js';
import type { AccessEntry, OutputLine } from '../runtime/types.js';
import type { DispatchJob, DispatchTarget } from './dispatch-target.js';
import { MAX_ATTEMPTS, type Dispatcher } from './dispatcher.js';
import { sendError } from './error-response.js';
import { http2ResponseHeaders, isHttp2 } from './http2-compat.js';
import { spoolRequestBody, type SpooledBody } from './request-body-spool.js';

/** What every exchange of one app shares. */
export interface ExchangeContext {
  readonly appName: string;
  readonly dispatcher: Dispatcher;
  limitRequestBody: number;
  /** Pass the body on as it arrives instead of reading it whole first (gateway/request-body-spool.ts). */
  streamRequestBody?: boolean;
  /** Put request and response headers in access entries (formats with %({h}i)s / %({h}o)s). */
  includeHeaders: boolean;
  /** rawRequestHeaders/rawResponseHeaders: node's flat [name, value, …] arrays, kept by reference (logging/header-keeper.ts). */
  access(entry: AccessEntry, rawRequestHeaders?: readonly string[], rawResponseHeaders?: readonly string[] | null): void;
  output(line: OutputLine): void;
}

export class Exchange implements DispatchJob, ResponseSink {
  startedAt = 0;
  attempts = 0;
  private target: DispatchTarget | null = null;
  private conn: WorkerConnection | null = null;
  /** This request's FastCGI id on `conn`. */
  private reqId = 0;
  private queued = false;
  private done = false;
  private bodyBytes = 0;
  private reqEnded = false;
  private sentBytes = 0;
  private responseHeaders: string[] | null = null;
  /** The response is corked while the body pieces of one worker read are written (flush() sends them in one writev). */
  private corked = false;
  /** The app's Content-Length, or -1. */
  private declaredLength = -1;
  /** Where the body comes from: the client, or the spool once it was read whole. */
  private bodySource: Readable;
  private spooled: SpooledBody | null = null;
  private stopSpool: (() => void) | null = null;
  private continueSent = false;
  private readonly arrivedAt = Date.now();
  private readonly t0 = performance.now();

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly encoder: RequestHeadEncoder,
    private readonly params: ParamList,
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
    private readonly query: string,
    private readonly hasBody: boolean,
    private readonly expectContinue: boolean,
  ) {
    this.bodySource = req;
  }

  start(): void {
    this.res.on('close', this.onClose);
    this.res.on('finish', this.onFinish);
    if (this.hasBody && this.ctx.streamRequestBody !== true) return this.spoolBody();
    this.queued = true;
    this.ctx.dispatcher.dispatch(this);
  }

  /** The body is read whole before a worker is asked for: time spent waiting for the client holds none. */
  private spoolBody(): void {
    if (this.expectContinue) {
      this.continueSent = true;
      this.res.writeContinue();
    }
    this.stopSpool = spoolRequestBody(this.req, { limit: this.ctx.limitRequestBody }, (failure, body, error) => {
      this.stopSpool = null;
      if (this.done) return body?.dispose();
      if (failure === 'too-large') return this.respondError(413, 'request body too large', [], true);
      if (failure === 'disk') {
        this.stderr(`[gantry] could not keep the request body: ${error?.message ?? 'write failed'}`);
        return this.respondError(503, 'request body could not be buffered', ['Retry-After', '1'], true);
      }
      if (failure !== null || body === null) return; // the client left: onClose logs it
      this.spooled = body;
      this.bodySource = body.stream();
      this.queued = true;
      this.ctx.dispatcher.dispatch(this);
    });
  }

  // --- DispatchJob -------------------------------------------------------------------------------

  run(target: DispatchTarget, conn: WorkerConnection): void {
    this.queued = false;
    this.target = target;
    this.conn = conn;
    if (this.done) {
      // The client left between getting a slot and the connection being ready: nothing was sent.
      target.release(this);
      return;
    }
    if (this.expectContinue && !this.continueSent) this.res.writeContinue();
    this.reqId = conn.begin(this.encodeHead, this);
    if (this.hasBody) {
      conn.onDrain = this.onConnDrain;
      // A retried request whose (empty) body already ended: close its STDIN on the new worker at once.
      if (this.reqEnded) return conn.endBody(this.reqId);
      this.bodySource.on('data', this.onReqData);
      this.bodySource.on('end', this.onReqEnd);
    }
  }

  private readonly encodeHead = (id: number): Buffer => this.encoder.encode(id, this.params, !this.hasBody);

  refuse(code: 'GANTRY_ERR_QUEUE_FULL' | 'GANTRY_ERR_NO_WORKERS' | 'GANTRY_ERR_WORKER_CRASH', retryAfterS = 1): void {
    this.queued = false;
    if (this.done) return;
    const retry = code === 'GANTRY_ERR_WORKER_CRASH' ? [] : ['Retry-After', String(retryAfterS)];
    this.respondError(ERRORS[code].status, code, retry, code !== 'GANTRY_ERR_WORKER_CRASH' && this.hasBody);
  }

  timedOut(): void {
    if (this.done) return;
    this.conn?.abort(this.reqId);
    this.detach();
    if (!this.res.headersSent) this.respondError(504, 'GANTRY_ERR_WORKER_TIMEOUT', [], this.hasBody);
    else this.res.destroy();
    this.done = true;
  }

  // --- ResponseSink ------------------------------------------------------------------------------

  head(head: CgiHead): void {
    if (this.done || this.res.headersSent) return;
    let headers = head.headers;
    for (let i = 0; i < headers.length; i += 2) {
      const n = headers[i]!;
      if (n.length === 14 && n.toLowerCase() === 'content-length') this.declaredLength = Number(headers[i + 1]);
      // The response carries the gateway's request id once, whatever the app set.
      else if (n.length === 12 && n.toLowerCase() === 'x-request-id') {
        headers = headers.slice(0, i).concat(headers.slice(i + 2));
        i -= 2;
      }
    }
    this.responseHeaders = headers;
    headers.push('X-Request-ID', this.requestId);
    if (isHttp2(this.req)) {
      // HTTP/2 has no reason phrase and no connection-specific fields (RFC 9113 §8.2.2, §8.3.2).
      this.res.writeHead(head.status, http2ResponseHeaders(headers));
      return;
    }
    if (head.close) headers.push('Connection', 'close');
    if (head.reason !== '') this.res.writeHead(head.status, head.reason, headers);
    else this.res.writeHead(head.status, headers);
  }

  body(chunk: Buffer): boolean {
    if (this.done) return true;
    this.sentBytes += chunk.length;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
    }
    this.res.write(chunk);
    return true;
  }

  /**
   * The worker read that gave us body pieces is handled: send them (one writev), then tell the connection
   * whether the client's socket still holds some (they point into its read buffer) and whether to stop
   * reading the worker until 'drain' (node's 16 KiB mark was passed and the kernel did not take it all).
   */
  flush(): number {
    const res = this.res;
    if (this.corked) {
      this.corked = false;
      res.uncork();
    }
    if (res.writableLength === 0) return Flushed.CLEAR;
    if (this.done || !res.writableNeedDrain) return Flushed.HELD;
    res.once('drain', this.onResDrain);
    return Flushed.FULL;
  }

  stderr(text: string): void {
    const t = this.target;
    this.ctx.output({
      time: Date.now(),
      app: this.ctx.appName,
      source: 'stderr',
      level: 'error',
      workerId: t?.info.workerId ?? null,
      workerPid: t?.info.pid ?? null,
      requestId: this.requestId,
      text,
    });
  }

  end(appStatus: number): void {
    if (this.done) return;
    this.done = true;
    // res.end() and res.destroy() flush or drop whatever the cork held.
    this.corked = false;
    this.detach();
    // appStatus 1 with a body shorter than promised (or unframed) means the app raised mid-body: cut the
    // connection so the client sees an incomplete response, never a clean end (WORKER.md).
    if (appStatus !== 0 && this.method !== 'HEAD' && this.declaredLength !== this.sentBytes) {
      this.res.destroy();
      return;
    }
    this.res.end();
  }

  fail(error: Error): void {
    if (this.done) return;
    const target = this.target;
    // Nothing reached the app when the worker refused it (stopping), when it died with this request still
    // waiting behind another one pipelined on its connection, or closed the connection without a word while
    // we were retiring it (a graceful stop finishes only what it has read): retry elsewhere.
    const neverRan = error instanceof WorkerOverloadedError || error instanceof WorkerNeverStartedError || (target !== null && target.draining && this.responseHeaders === null);
    if (neverRan && this.bodyBytes === 0 && target !== null && this.attempts < MAX_ATTEMPTS) {
      this.ctx.dispatcher.removeTarget(target);
      this.detach();
      if (this.hasBody) this.bodySource.pause();
      this.conn = null;
      this.target = null;
      this.startedAt = 0;
      this.queued = true;
      this.ctx.dispatcher.dispatch(this);
      return;
    }
    // A worker hangs up on a running request only when it is dying: send it nothing more, or the request
    // queued behind this one goes to it before its exit is seen (and fails too, never having run).
    if (target !== null && this.conn !== null && !this.conn.usable) this.ctx.dispatcher.removeTarget(target);
    this.done = true;
    this.detach();
    this.stderr(`[gantry] request failed: ${error.message}`);
    if (!this.res.headersSent) this.respondError(502, 'GANTRY_ERR_WORKER_CRASH', [], this.hasBody);
    else this.res.destroy();
  }

  // --- client side -------------------------------------------------------------------------------

  private readonly onReqData = (chunk: Buffer): void => {
    const conn = this.conn;
    if (conn === null || this.done) return;
    this.bodyBytes += chunk.length;
    const limit = this.ctx.limitRequestBody;
    if (limit > 0 && this.bodyBytes > limit) {
      this.done = true;
      conn.abort(this.reqId);
      this.detach();
      if (!this.res.headersSent) this.respondError(413, 'request body too large', [], true);
      else this.res.destroy();
      return;
    }
    if (!conn.writeBody(this.reqId, chunk)) this.bodySource.pause();
  };

  private readonly onReqEnd = (): void => {
    this.reqEnded = true;
    if (!this.done) this.conn?.endBody(this.reqId);
  };

  private readonly onConnDrain = (): void => {
    this.bodySource.resume();
  };

  private readonly onResDrain = (): void => {
    this.conn?.resume(this.reqId);
  };

  private readonly onClose = (): void => {
    this.stopSpool?.();
    this.spooled?.dispose();
    if (this.res.writableFinished) return;
    // The client went away before the response was complete.
    if (this.queued) {
      this.ctx.dispatcher.cancel(this);
      this.queued = false;
    }
    if (!this.done) {
      this.done = true;
      this.conn?.abort(this.reqId);
      this.detach();
      this.log(this.res.headersSent ? this.res.statusCode : 499);
    }
  };

  private readonly onFinish = (): void => {
    this.log(this.res.statusCode);
  };

  private detach(): void {
    const conn = this.conn;
    if (conn !== null) conn.onDrain = null;
    if (this.hasBody) {
      this.bodySource.off('data', this.onReqData);
      this.bodySource.off('end', this.onReqEnd);
      // Whatever body is left is read and dropped, so a keep-alive connection is never left stalled
      // on a paused request (the retry path pauses it again itself). A spooled one was read already.
      this.bodySource.resume();
    }
  }

  private respondError(status: number, message: string, extra: string[], closeAfter: boolean): void {
    this.done = true;
    this.sentBytes = sendError(this.res, status, message, this.requestId, extra, closeAfter);
  }

  private log(status: number): void {
    const req = this.req;
    const raw = req.rawHeaders;
    let userAgent = '';
    let referer = '';
    let remoteUser: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const n = raw[i]!;
      if (n.length === 10 && n.toLowerCase() === 'user-agent') userAgent = raw[i + 1]!;
      else if (n.length === 7 && n.toLowerCase() === 'referer') referer = raw[i + 1]!;
      else if (n.length === 13 && n.toLowerCase() === 'authorization') remoteUser = basicUser(raw[i + 1]!);
    }
    const withHeaders = this.ctx.includeHeaders;
    this.ctx.access({
      time: this.arrivedAt,
      app: this.ctx.appName,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      query: this.query,
      protocol: `HTTP/${req.httpVersion}`,
      status,
      bytes: this.method === 'HEAD' ? 0 : this.sentBytes,
      durationMs: performance.now() - this.t0,
      workerPid: this.target?.info.pid ?? null,
      workerId: this.target?.info.workerId ?? null,
      remoteAddr: req.socket.remoteAddress ?? '',
      userAgent,
      referer,
      ...(remoteUser !== undefined ? { remoteUser } : {}),
      ...(withHeaders ? { requestHeaders: pairsToObject(raw), responseHeaders: pairsToObject(this.responseHeaders ?? []) } : {}),
    }, raw, this.responseHeaders);
  }
}

/** The user of `Authorization: Basic …`, as gunicorn's %(u)s. */
function basicUser(value: string): string | undefined {
  if (!/^basic /i.test(value)) return undefined;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(0, colon);
}

/** Flat [name, value, …] → { lowercased name: value } (repeats joined with ', '). */
function pairsToObject(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i]!.toLowerCase();
    out[k] = k in out ? `${out[k]}, ${flat[i + 1]}` : flat[i + 1]!;
  }
  return out;
}
