// One HTTP request's trip through a worker: it waits in the dispatcher's queue, sends the FastCGI
// request, streams the body both ways with back-pressure, frames the response, and writes the access
// entry. It is the dispatcher's job and the worker connection's response sink at once (no closures per
// request beyond what node's streams need).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ERRORS } from '../errors.js';
import type { CgiHead } from '../fastcgi/cgi-response.js';
import type { ParamList, RequestHeadEncoder } from '../fastcgi/request-head.js';
import {
  Flushed,
  WorkerNeverStartedError,
  WorkerOverloadedError,
  type ResponseSink,
  type WorkerConnection,
} from '../fastcgi/worker-connection.js';
import type { AccessEntry, LogLevel, OutputLine } from '../runtime/types.js';
import type { DispatchJob, DispatchTarget } from './dispatch-target.js';
import { MAX_ATTEMPTS, type Dispatcher } from './dispatcher.js';
import { buildAccessEntry } from './access-entry.js';
import { sendError } from './error-response.js';
import { http2ResponseHeaders, isHttp2, resetHttp2Stream } from './http2-compat.js';
import { spoolRequestBody, type SpooledBody } from './request-body-spool.js';
import type { BodyMemoryPool } from './body-memory-pool.js';
import { timerMs } from '../timer-ms.js';

/** What every exchange of one app shares. */
export interface ExchangeContext {
  readonly appName: string;
  readonly dispatcher: Dispatcher;
  limitRequestBody: number;
  /** Pass the body on as it arrives instead of reading it whole first (gateway/request-body-spool.ts). */
  streamRequestBody?: boolean;
  /**
   * Seconds a client may send nothing mid-body (0: no limit); then 408. Buffered: while the spool reads it.
   * Streamed: while a worker reads it (the request is aborted too).
   */
  bodyTimeout?: number;
  /** What the app's bodies being buffered may hold in memory together (--body-buffer-memory). */
  readonly bodyMemory: BodyMemoryPool;
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
  /** The response may have a body (not HEAD, 204 or 304). */
  private bodyAllowed = true;
  /** The response was cut short (the client got an incomplete one). */
  private truncated = false;
  /** Where the body comes from: the client, or the spool once it was read whole. */
  private bodySource: Readable;
  private spooled: SpooledBody | null = null;
  private stopSpool: (() => void) | null = null;
  private continueSent = false;
  /** A streamed body's idle timer (--body-timeout), running while a worker reads the body. */
  private bodyTimer: NodeJS.Timeout | null = null;
  /** The streamed body is paused because the worker's socket is full: that wait is ours, not the client's. */
  private bodyPaused = false;
  private readonly arrivedAt = Date.now();
  private readonly t0 = performance.now();
  /** performance.now() when a worker took the request, and when the response head came back (0: not yet). */
  private tRun = 0;
  private tHead = 0;

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
    this.stopSpool = spoolRequestBody(
      this.req,
      { limit: this.ctx.limitRequestBody, pool: this.ctx.bodyMemory, idleTimeoutMs: (this.ctx.bodyTimeout ?? 0) * 1000 },
      (failure, body, error) => {
        this.stopSpool = null;
        if (this.done) return body?.dispose();
        if (failure === 'too-large') return this.respondError(413, 'request body too large', [], true);
        if (failure === 'timeout') return this.respondError(408, 'request body timeout', [], true);
        if (failure === 'disk') {
          this.stderr(`[gantry] could not keep the request body: ${error?.message ?? 'write failed'}`);
          return this.respondError(503, 'request body could not be buffered', ['Retry-After', '1'], true);
        }
        if (failure !== null || body === null) return; // the client left: onClose logs it
        this.spooled = body;
        this.bodySource = body.stream();
        this.queued = true;
        this.ctx.dispatcher.dispatch(this);
      },
    );
  }

  // --- DispatchJob -------------------------------------------------------------------------------

  run(target: DispatchTarget, conn: WorkerConnection): void {
    this.queued = false;
    this.tRun = performance.now();
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
      // Streamed: a client that stops mid-body would hold this worker; the clock starts now, as nobody read
      // the body while the request was queued.
      const idle = (this.ctx.bodyTimeout ?? 0) * 1000;
      if (this.spooled === null && idle > 0) this.bodyTimer = setTimeout(this.onBodyIdle, timerMs(idle));
    }
  }

  private readonly onBodyIdle = (): void => {
    if (this.done || this.reqEnded || this.bodyTimer === null) return;
    if (this.bodyPaused) {
      this.bodyTimer.refresh();
      return;
    }
    this.bodyTimer = null;
    this.stderr(
      `[gantry] request body timeout: the client sent nothing for ${this.ctx.bodyTimeout} s after ${this.bodyBytes} body bytes; the request was aborted`,
      'warning',
    );
    this.done = true;
    this.conn?.abort(this.reqId);
    this.detach();
    if (!this.res.headersSent) this.respondError(408, 'request body timeout', [], true);
    else this.cutShort();
  };

  private readonly encodeHead = (id: number): Buffer => this.encoder.encode(id, this.params, !this.hasBody);

  refuse(code: 'GANTRY_ERR_QUEUE_FULL' | 'GANTRY_ERR_NO_WORKERS' | 'GANTRY_ERR_WORKER_CRASH', retryAfterS = 1): void {
    this.queued = false;
    if (this.done) return;
    const retry = code === 'GANTRY_ERR_WORKER_CRASH' ? [] : ['Retry-After', String(retryAfterS)];
    // No worker: the connection closes too, so the client's retry is a new connection, which the primary of a
    // multi-process gateway deals to a process that has a worker (runtime/sharded-runtime.ts nextReceiver).
    this.respondError(
      ERRORS[code].status,
      code,
      retry,
      code === 'GANTRY_ERR_NO_WORKERS' || (code !== 'GANTRY_ERR_WORKER_CRASH' && this.hasBody),
    );
  }

  timedOut(): void {
    if (this.done) return;
    this.conn?.abort(this.reqId);
    this.detach();
    if (!this.res.headersSent) this.respondError(504, 'GANTRY_ERR_WORKER_TIMEOUT', [], this.hasBody);
    else this.cutShort();
    this.done = true;
  }

  // --- ResponseSink ------------------------------------------------------------------------------

  head(head: CgiHead): void {
    if (this.done || this.res.headersSent) return;
    if (head.invalid !== null) return this.appError(head.invalid);
    this.tHead = performance.now();
    let headers = head.headers;
    for (let i = 0; i < headers.length; i += 2) {
      const n = headers[i]!;
      // The response carries the gateway's request id once, whatever the app set.
      if (n.length === 12 && n.toLowerCase() === 'x-request-id') {
        headers = headers.slice(0, i).concat(headers.slice(i + 2));
        i -= 2;
      }
    }
    const status = head.status;
    this.bodyAllowed = status !== 204 && status !== 304 && this.method !== 'HEAD';
    this.declaredLength = head.contentLength;
    this.responseHeaders = headers;
    headers.push('X-Request-ID', this.requestId);
    if (isHttp2(this.req)) {
      // HTTP/2 has no reason phrase and no connection-specific fields (RFC 9113 §8.2.2, §8.3.2).
      try {
        this.res.writeHead(head.status, http2ResponseHeaders(headers));
      } catch (err) {
        this.responseHeaders = null;
        this.appError(err instanceof Error ? err.message : String(err));
      }
      return;
    }
    if (head.close) headers.push('Connection', 'close');
    try {
      if (head.reason !== '') this.res.writeHead(status, head.reason, headers);
      else this.res.writeHead(status, headers);
    } catch (err) {
      // Whatever node refuses to put on the wire is the app's error too, never the worker connection's.
      this.responseHeaders = null;
      this.appError(err instanceof Error ? err.message : String(err));
    }
  }

  body(chunk: Buffer): boolean {
    if (this.done || !this.bodyAllowed) return true;
    const limit = this.declaredLength;
    if (limit >= 0 && this.sentBytes + chunk.length > limit) {
      this.overrun(chunk.subarray(0, limit - this.sentBytes));
      return true;
    }
    this.sentBytes += chunk.length;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
    }
    this.res.write(chunk);
    return true;
  }

  /**
   * The app sent more than its Content-Length: the declared bytes go out, the rest never does (it would
   * be read as the next response on this connection), the app stops, and the connection closes after.
   */
  private overrun(last: Buffer): void {
    this.stderr(
      `[gantry] app error: the app sent more than its Content-Length (${this.declaredLength}); the rest was dropped and the connection closed`,
    );
    if (last.length > 0) {
      this.sentBytes += last.length;
      this.res.write(last);
    }
    this.done = true;
    this.corked = false;
    this.conn?.abort(this.reqId);
    this.detach();
    closeAfter(this.res);
    this.res.end();
  }

  /** An app error seen before any byte of its response was sent: that request is answered 500. */
  private appError(reason: string): void {
    this.stderr(`[gantry] app error: ${reason}`);
    this.conn?.abort(this.reqId);
    this.detach();
    this.respondError(500, 'the application sent an invalid response', [], this.hasBody && !this.reqEnded);
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

  /** Gantry's own notes about the request are errors; the app's stderr comes with the level it states. */
  stderr(text: string, level: LogLevel = 'error'): void {
    this.output('stderr', text, level);
  }

  /** The app's print()s while handling this request: neutral lines, as its stdout outside requests. */
  stdout(text: string): void {
    this.output('stdout', text, 'info');
  }

  private output(source: 'stdout' | 'stderr', text: string, level: LogLevel): void {
    const t = this.target;
    this.ctx.output({
      time: Date.now(),
      app: this.ctx.appName,
      source,
      level,
      workerId: t?.info.workerId ?? null,
      workerPid: t?.info.pid ?? null,
      requestId: this.requestId,
      text,
    });
  }

  end(appStatus: number): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    // Fewer bytes than the app's Content-Length, or appStatus 1 (the app raised mid-body) on a response
    // framed by chunks or by the close: the client must be able to tell it is incomplete.
    const short = this.declaredLength >= 0 ? this.sentBytes < this.declaredLength : appStatus !== 0;
    if (this.bodyAllowed && short) {
      if (appStatus === 0)
        this.stderr(
          `[gantry] app error: the app sent ${this.sentBytes} of the ${this.declaredLength} bytes its Content-Length promised; the connection was closed`,
        );
      this.cut();
      return;
    }
    // res.end() flushes whatever the cork held.
    this.corked = false;
    this.res.end();
  }

  /** The worker died or timed out mid-response: the client sees the connection go, the log says truncated. */
  private cutShort(): void {
    this.truncated = true;
    if (isHttp2(this.req)) resetHttp2Stream(this.res);
    else this.res.destroy();
  }

  /**
   * Ends an incomplete response so the client sees that it is: a short body followed by the close (the
   * Content-Length says more was due), a chunked stream closed without its last chunk, or, for a response
   * delimited only by the close (HTTP/1.0), a reset instead of a clean FIN.
   */
  private cut(): void {
    const res = this.res;
    this.truncated = true;
    if (this.corked) {
      this.corked = false;
      res.uncork();
    }
    // HTTP/2: the stream is reset (RST_STREAM INTERNAL_ERROR), never the connection the other streams share.
    if (isHttp2(this.req)) {
      resetHttp2Stream(res);
      return;
    }
    if (this.declaredLength >= 0) {
      closeAfter(res);
      res.end();
      return;
    }
    const socket = res.socket;
    if (socket === null) res.destroy();
    else if ((res as ServerResponse & { chunkedEncoding: boolean }).chunkedEncoding) socket.destroySoon();
    else socket.resetAndDestroy();
  }

  fail(error: Error): void {
    if (this.done) return;
    const target = this.target;
    // Nothing reached the app when the worker refused it (stopping), when it died with this request still
    // waiting behind another one pipelined on its connection, or closed the connection without a word while
    // we were retiring it (a graceful stop finishes only what it has read): retry elsewhere.
    const neverRan =
      error instanceof WorkerOverloadedError ||
      error instanceof WorkerNeverStartedError ||
      (target !== null && target.draining && this.responseHeaders === null);
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
    else this.cutShort();
  }

  // --- client side -------------------------------------------------------------------------------

  private readonly onReqData = (chunk: Buffer): void => {
    const conn = this.conn;
    if (conn === null || this.done) return;
    this.bodyBytes += chunk.length;
    this.bodyTimer?.refresh();
    const limit = this.ctx.limitRequestBody;
    if (limit > 0 && this.bodyBytes > limit) {
      this.done = true;
      conn.abort(this.reqId);
      this.detach();
      if (!this.res.headersSent) this.respondError(413, 'request body too large', [], true);
      else this.res.destroy();
      return;
    }
    if (!conn.writeBody(this.reqId, chunk)) {
      this.bodyPaused = true;
      this.bodySource.pause();
    }
  };

  private readonly onReqEnd = (): void => {
    this.reqEnded = true;
    this.clearBodyTimer();
    if (!this.done) this.conn?.endBody(this.reqId);
  };

  private readonly onConnDrain = (): void => {
    this.bodyPaused = false;
    this.bodyTimer?.refresh();
    this.bodySource.resume();
  };

  private clearBodyTimer(): void {
    if (this.bodyTimer === null) return;
    clearTimeout(this.bodyTimer);
    this.bodyTimer = null;
  }

  private readonly onResDrain = (): void => {
    this.conn?.resume(this.reqId);
  };

  private readonly onClose = (): void => {
    this.stopSpool?.();
    this.spooled?.dispose();
    if (this.res.writableFinished) return;
    // cut() left a chunked or close-delimited response unfinished on purpose: it is logged here.
    if (this.truncated) return this.log(this.res.statusCode);
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
    this.clearBodyTimer();
    this.bodyPaused = false;
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
    const end = performance.now();
    this.ctx.access(
      buildAccessEntry(this.ctx.appName, this.req, {
        time: this.arrivedAt,
        requestId: this.requestId,
        status,
        bytes: this.sentBytes,
        durationMs: end - this.t0,
        ...(this.tRun > 0 && this.tHead >= this.tRun
          ? {
              timing: {
                queueMs: this.tRun - this.t0,
                appMs: this.tHead - this.tRun,
                ttfbMs: this.tHead - this.t0,
                transferMs: end - this.tHead,
              },
            }
          : {}),
        workerPid: this.target?.info.pid ?? null,
        workerId: this.target?.info.workerId ?? null,
        truncated: this.truncated,
        path: this.path,
        query: this.query,
        responseHeaders: this.responseHeaders,
        includeHeaders: this.ctx.includeHeaders,
      }),
      this.req.rawHeaders,
      this.responseHeaders,
    );
  }
}

/**
 * Closes the connection once this response is out, even though its head already said keep-alive: node's
 * own flag for "last response on this socket" (set by writeHead for `Connection: close`), so nothing
 * pipelined behind it is answered on this connection.
 */
function closeAfter(res: ServerResponse): void {
  (res as ServerResponse & { _last: boolean })._last = true;
  res.shouldKeepAlive = false;
}
