// One socket to one worker, carrying one FastCGI request at a time (FCGI_KEEP_CONN, request id 1).
// A worker with `threads` N gets N of these, so flow control on each socket is flow control for exactly
// one request: a slow client pauses only its own worker connection.
import { connect, type Socket } from 'node:net';
import { CgiResponseParser, type CgiHead } from './cgi-response.js';
import { ProtocolStatus, RecordDecoder, RecordType, decodeEndRequest, encodeAbortRequest, type FcgiRecord } from './records.js';
import { encodeStdin } from './request-head.js';

export const REQUEST_ID = 1;

/** The worker refused the request before the app saw it (it is stopping): safe to retry elsewhere. */
export class WorkerOverloadedError extends Error {
  readonly code = 'FCGI_OVERLOADED';
  constructor() {
    super('worker is stopping and refused the request');
  }
}

/** Where a request's response goes. `body` returning false pauses the worker socket until `resume()`. */
export interface ResponseSink {
  head(head: CgiHead): void;
  body(chunk: Buffer): boolean;
  stderr(text: string): void;
  end(appStatus: number): void;
  /** The connection broke or the worker sent garbage before END_REQUEST. */
  fail(error: Error): void;
}

type ConnState = 'new' | 'connecting' | 'idle' | 'active' | 'aborting' | 'closed';

const EMPTY_STDIN = (() => {
  const b = Buffer.alloc(8);
  b[0] = 1;
  b[1] = RecordType.STDIN;
  b[3] = REQUEST_ID;
  return b;
})();

export class WorkerConnection {
  private socket: Socket | null = null;
  private state: ConnState = 'new';
  private sink: ResponseSink | null = null;
  private readonly parser = new CgiResponseParser();
  private readonly decoder = new RecordDecoder((r) => this.onRecord(r));
  private stderrTail = '';
  private headSent = false;
  private pendingConnect: Array<(err: Error | null) => void> = [];
  /** Called when the STDIN side can take more after a write returned false. */
  onDrain: (() => void) | null = null;
  /** Called after END_REQUEST (or an abort completed) when the connection can take the next request. */
  onIdle: ((conn: WorkerConnection) => void) | null = null;
  /** Called once when the socket is gone. */
  onClose: ((conn: WorkerConnection) => void) | null = null;

  constructor(private readonly path: string) {}

  get usable(): boolean {
    return this.state !== 'closed';
  }

  get busy(): boolean {
    return this.state === 'active' || this.state === 'aborting';
  }

  /** Connects if needed; the callback runs once the socket is ready (or failed). */
  ensureConnected(cb: (err: Error | null) => void): void {
    if (this.state === 'idle') return cb(null);
    if (this.state === 'closed') return cb(new Error('worker connection closed'));
    this.pendingConnect.push(cb);
    if (this.state === 'connecting') return;
    this.state = 'connecting';
    const socket = connect(this.path);
    this.socket = socket;
    socket.setNoDelay?.(true);
    socket.on('connect', () => {
      this.state = 'idle';
      this.flushConnect(null);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain?.());
    socket.on('error', () => {
      /* reported through 'close' */
    });
    socket.on('close', () => this.onSocketClose());
  }

  private flushConnect(err: Error | null): void {
    const cbs = this.pendingConnect;
    this.pendingConnect = [];
    for (const cb of cbs) cb(err);
  }

  /** Starts a request: `head` is BEGIN+PARAMS(+empty STDIN) from RequestHeadEncoder. */
  begin(head: Buffer, sink: ResponseSink): void {
    if (this.state !== 'idle' || this.socket === null) throw new Error(`connection not idle (${this.state})`);
    this.state = 'active';
    this.sink = sink;
    this.parser.reset();
    this.headSent = false;
    this.stderrTail = '';
    this.socket.write(head);
  }

  /** Streams request body bytes; false means the socket is full (wait for onDrain). */
  writeBody(chunk: Buffer): boolean {
    const socket = this.socket;
    if (socket === null || this.state !== 'active') return true;
    const parts = encodeStdin(REQUEST_ID, chunk);
    socket.cork();
    let ok = true;
    for (const p of parts) ok = socket.write(p);
    socket.uncork();
    return ok;
  }

  endBody(): void {
    if (this.state === 'active') this.socket?.write(EMPTY_STDIN);
  }

  /** Flow control from the client side: resume reading worker output. */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  /** The client went away: tell the worker, drop its output, become idle at its END_REQUEST. */
  abort(): void {
    if (this.state !== 'active') return;
    this.state = 'aborting';
    this.sink = null;
    this.socket?.write(encodeAbortRequest(REQUEST_ID));
    this.socket?.resume();
  }

  destroy(): void {
    this.socket?.destroy();
    if (this.state !== 'closed' && this.socket === null) this.state = 'closed';
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
    } catch (err) {
      this.failActive(err as Error);
      this.socket?.destroy();
    }
  }

  private onRecord(record: FcgiRecord): void {
    if (record.requestId !== REQUEST_ID) return;
    const sink = this.sink;
    switch (record.type) {
      case RecordType.STDOUT: {
        if (sink === null || record.content.length === 0) return;
        let body: Buffer | null;
        try {
          body = this.parser.push(record.content);
        } catch (err) {
          this.failActive(err as Error);
          this.socket?.destroy();
          return;
        }
        if (body === null) return;
        if (this.parser.head !== null && !this.headSent) {
          this.headSent = true;
          sink.head(this.parser.head);
          if (this.sink !== sink) return;
        }
        if (body.length > 0 && !sink.body(body)) this.socket?.pause();
        return;
      }
      case RecordType.STDERR:
        if (sink !== null && record.content.length > 0) this.onStderr(sink, record.content);
        return;
      case RecordType.END_REQUEST: {
        const { appStatus, protocolStatus } = decodeEndRequest(record.content);
        const wasActive = this.state === 'active';
        if (sink !== null && this.stderrTail.length > 0) sink.stderr(this.stderrTail);
        this.stderrTail = '';
        this.sink = null;
        this.headSent = false;
        this.state = 'idle';
        // The client may have paused us for the last body chunk and then finished without a 'drain':
        // an idle connection must always be reading.
        this.socket?.resume();
        if (wasActive && sink !== null) {
          if (this.parser.head === null) sink.fail(protocolStatus === ProtocolStatus.OVERLOADED ? new WorkerOverloadedError() : new Error('worker ended the request without a response'));
          else sink.end(appStatus);
        }
        this.onIdle?.(this);
        return;
      }
      default:
        return;
    }
  }

  private onStderr(sink: ResponseSink, content: Buffer): void {
    const text = this.stderrTail + content.toString('utf8');
    const lines = text.split('\n');
    this.stderrTail = lines.pop() ?? '';
    for (const line of lines) sink.stderr(line);
  }

  private failActive(err: Error): void {
    const sink = this.sink;
    this.sink = null;
    if (sink !== null) sink.fail(err);
  }

  private onSocketClose(): void {
    const was = this.state;
    this.state = 'closed';
    this.socket = null;
    if (was === 'connecting') this.flushConnect(new Error('could not connect to worker'));
    this.failActive(new Error('worker connection closed'));
    this.onClose?.(this);
  }
}
