// One socket to one worker, carrying FastCGI requests with FCGI_KEEP_CONN. Normally one request at a time
// (a worker with `threads` N gets N connections, so flow control on a socket is flow control for one
// request); it can also carry several request ids at once (pipelining to a single-threaded worker).
import { connect, type Socket } from 'node:net';
import { LineSplitter } from '../logging/line-splitter.js';
import { StderrEntries } from '../logging/stderr-entries.js';
import type { LogLevel } from '../runtime/types.js';
import { CgiResponseParser, type CgiHead } from './cgi-response.js';
import { ProtocolStatus, RecordDecoder, RecordType, decodeEndRequest, encodeAbortRequest, type FcgiRecord } from './records.js';
import { encodeStdin } from './request-head.js';

/** The worker refused the request before the app saw it (it is stopping): safe to retry elsewhere. */
export class WorkerOverloadedError extends Error {
  readonly code = 'FCGI_OVERLOADED';
  constructor() {
    super('worker is stopping and refused the request');
  }
}

/**
 * The connection broke while this request waited behind another one pipelined on it: a worker runs the
 * requests of one connection in the order they came (several at once only happen when pipelining to a
 * single-threaded worker), so the app never saw it and it is safe to retry elsewhere.
 */
export class WorkerNeverStartedError extends Error {
  readonly code = 'GANTRY_NOT_STARTED';
  constructor(cause: Error) {
    super(`${cause.message} (the request was waiting behind another one and never started)`, { cause });
  }
}

/** What a sink's `flush()` says about the body pieces it was given during one read. */
export const Flushed = {
  /** None of them is held any more (they went to the kernel, or were dropped). */
  CLEAR: 0,
  /** Some bytes are still held: the connection's read buffer must not be reused. */
  HELD: 1,
  /** As HELD, and the client is slow: stop reading this worker until `resume()`. */
  FULL: 2,
} as const;

/**
 * Where a request's response goes.
 *
 * `body` pieces are views into the connection's read buffer, which the next read overwrites. A sink with
 * `flush()` may keep them until then: `flush()` is called once after every read that gave it pieces and
 * says whether it still holds any (the connection then reads into a new buffer) and whether to pause.
 * A sink without `flush()` is taken to hold every piece, and `body` returning false pauses the worker
 * socket until `resume()`.
 */
export interface ResponseSink {
  head(head: CgiHead): void;
  body(chunk: Buffer): boolean;
  flush?(): number;
  /** A stderr entry (a line, or a whole traceback) with the level it states (logging/stderr-entries.ts). */
  stderr(text: string, level?: LogLevel): void;
  /** A line the app wrote to sys.stdout while handling this request (GANTRY_STDOUT). */
  stdout(text: string): void;
  end(appStatus: number): void;
  /** The connection broke or the worker sent garbage before END_REQUEST. */
  fail(error: Error): void;
}

type ConnState = 'new' | 'connecting' | 'open' | 'closed';

/** One request on this connection. `owner` is whoever took the slot (stays after an abort clears `sink`). */
interface InFlight {
  readonly id: number;
  readonly owner: unknown;
  sink: ResponseSink | null;
  readonly parser: CgiResponseParser;
  headSent: boolean;
  /** FCGI_STDERR split into lines (made at the first such record: most requests write none). */
  stderr: { lines: LineSplitter; entries: StderrEntries } | null;
  /** GANTRY_STDOUT split into lines (made at the first such record). */
  stdout: LineSplitter | null;
  paused: boolean;
  /** Listed in flushReqs for the current read. */
  flushing: boolean;
}

function emptyStdin(id: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 1;
  b[1] = RecordType.STDIN;
  b[2] = (id >> 8) & 0xff;
  b[3] = id & 0xff;
  return b;
}
const EMPTY_STDIN_1 = emptyStdin(1);

/**
 * Bytes read from a worker at once, into a buffer the connection reuses. node's default reads 64 KiB into
 * a new allocation each time; in a large download that was one 64 KiB backing store per read for the GC
 * (a mark-compact every few tens of ms, "GC in old space requested" by the external memory) and a read, a
 * client writev and often a worker wake-up per 64 KiB. A unix socket holds up to the worker's SO_SNDBUF
 * (~208 KiB by default), so a read can take all of it. Pages are only touched as far as reads reach.
 */
export const READ_SIZE = 256 * 1024;

export class WorkerConnection {
  private socket: Socket | null = null;
  private state: ConnState = 'new';
  private readonly reqs = new Map<number, InFlight>();
  private paused = 0;
  private readonly decoder = new RecordDecoder((r) => this.onRecord(r), {
    streamTypes: [RecordType.STDOUT, RecordType.STDERR, RecordType.GANTRY_STDOUT],
  });
  /** Where the next read goes: reused until a sink holds a view into it after its read. */
  private readBuf: Buffer | null = null;
  /** Requests (and their sinks) given body pieces during the current read, flushed once it is handled. */
  private readonly flushReqs: InFlight[] = [];
  private readonly flushSinks: ResponseSink[] = [];
  /** The current read's bytes are held by a sink that cannot say otherwise (no flush()). */
  private held = false;
  private pendingConnect: Array<(err: Error | null) => void> = [];
  /** The socket is corked until the end of this event-loop turn (request heads written this turn go out in one write). */
  private corked = false;
  /** Called when the socket can take more after a write returned false. */
  onDrain: (() => void) | null = null;
  /** Called after a request's END_REQUEST (also after an abort), with the owner given to begin(). */
  onRequestEnd: ((conn: WorkerConnection, owner: unknown) => void) | null = null;
  /** Called once when the socket is gone, with the owners of the requests it was carrying. */
  onClose: ((conn: WorkerConnection, owners: unknown[]) => void) | null = null;

  constructor(private readonly path: string) {}

  get usable(): boolean {
    return this.state !== 'closed';
  }

  /** Requests in flight on this connection. */
  get load(): number {
    return this.reqs.size;
  }

  get busy(): boolean {
    return this.reqs.size > 0;
  }

  /** Connects if needed; the callback runs once the socket is ready (or failed). */
  ensureConnected(cb: (err: Error | null) => void): void {
    if (this.state === 'open') return cb(null);
    if (this.state === 'closed') return cb(new Error('worker connection closed'));
    this.pendingConnect.push(cb);
    if (this.state === 'connecting') return;
    this.state = 'connecting';
    const socket = connect({ path: this.path, onread: { buffer: this.nextReadBuffer, callback: this.onRead } });
    this.socket = socket;
    socket.on('connect', () => {
      this.state = 'open';
      this.flushConnect(null);
    });
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

  private allocateId(): number {
    if (this.reqs.size === 0) return 1;
    for (let id = 1; id < 65536; id++) if (!this.reqs.has(id)) return id;
    throw new Error('no free FastCGI request id');
  }

  /**
   * Starts a request: `encodeHead(id)` gives BEGIN+PARAMS(+empty STDIN) for that request id.
   * Returns the request id to use with writeBody/endBody/abort/resume.
   */
  begin(encodeHead: (id: number) => Buffer, sink: ResponseSink, owner: unknown = sink): number {
    if (this.state !== 'open' || this.socket === null) throw new Error(`connection not open (${this.state})`);
    const id = this.allocateId();
    this.reqs.set(id, {
      id,
      owner,
      sink,
      parser: new CgiResponseParser(),
      headSent: false,
      stderr: null,
      stdout: null,
      paused: false,
      flushing: false,
    });
    // Requests pipelined to this worker in the same event-loop turn (several HTTP connections read in one
    // poll, or several END_REQUESTs read at once each freeing a slot) leave in one writev: one syscall and
    // at most one wake-up of the worker instead of one each.
    if (!this.corked && this.reqs.size > 1) {
      this.corked = true;
      this.socket.cork();
      setImmediate(this.uncork);
    }
    this.socket.write(encodeHead(id));
    return id;
  }

  private readonly uncork = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.socket?.uncork();
  };

  /** Streams request body bytes; false means the socket is full (wait for onDrain). */
  writeBody(id: number, chunk: Buffer): boolean {
    const socket = this.socket;
    const r = this.reqs.get(id);
    if (socket === null || r === undefined || r.sink === null) return true;
    const parts = encodeStdin(id, chunk);
    socket.cork();
    let ok = true;
    for (const p of parts) ok = socket.write(p);
    socket.uncork();
    return ok;
  }

  endBody(id: number): void {
    const r = this.reqs.get(id);
    if (r !== undefined && r.sink !== null) this.socket?.write(id === 1 ? EMPTY_STDIN_1 : emptyStdin(id));
  }

  /** The client of request `id` can take more: read worker output again (if nothing else holds it). */
  resume(id: number): void {
    const r = this.reqs.get(id);
    if (r !== undefined) this.unpause(r);
  }

  private unpause(r: InFlight): void {
    if (!r.paused) return;
    r.paused = false;
    if (--this.paused === 0) this.socket?.resume();
  }

  /** The client went away: tell the worker, drop its output; the slot frees at its END_REQUEST. */
  abort(id: number): void {
    const r = this.reqs.get(id);
    if (r === undefined || r.sink === null) return;
    r.sink = null;
    this.unpause(r);
    this.socket?.write(encodeAbortRequest(id));
  }

  destroy(): void {
    if (this.socket !== null) this.socket.destroy();
    else this.state = 'closed';
  }

  private readonly nextReadBuffer = (): Buffer => {
    if (this.readBuf === null) this.readBuf = Buffer.allocUnsafeSlow(READ_SIZE);
    return this.readBuf;
  };

  private readonly onRead = (n: number, buf: Buffer): boolean => {
    this.onData(buf.subarray(0, n));
    let held = this.held;
    this.held = false;
    const reqs = this.flushReqs;
    if (reqs.length > 0) {
      const sinks = this.flushSinks;
      for (let i = 0; i < reqs.length; i++) {
        const r = reqs[i]!;
        r.flushing = false;
        const state = sinks[i]!.flush!();
        if (state === Flushed.CLEAR) continue;
        held = true;
        if (state === Flushed.FULL && !r.paused && r.sink === sinks[i] && this.reqs.get(r.id) === r) this.pause(r);
      }
      reqs.length = 0;
      sinks.length = 0;
    }
    // Someone still points into this buffer: the next read goes into a new one (this one is freed with them).
    if (held) this.readBuf = null;
    return true;
  };

  private pause(r: InFlight): void {
    r.paused = true;
    if (this.paused++ === 0) this.socket?.pause();
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
    } catch (err) {
      this.failAll(err as Error);
      this.socket?.destroy();
    }
  }

  private onRecord(record: FcgiRecord): void {
    const r = this.reqs.get(record.requestId);
    if (r === undefined) return;
    const sink = r.sink;
    switch (record.type) {
      case RecordType.STDOUT: {
        if (sink === null || record.content.length === 0) return;
        let body: Buffer | null;
        try {
          body = r.parser.push(record.content);
        } catch (err) {
          r.sink = null;
          sink.fail(err as Error);
          this.socket?.destroy();
          return;
        }
        if (body === null) return;
        if (!r.headSent) {
          r.headSent = true;
          sink.head(r.parser.head!);
          if (r.sink !== sink) return;
        }
        if (body.length === 0) return;
        if (sink.flush === undefined) {
          this.held = true;
          if (!sink.body(body) && !r.paused) this.pause(r);
          return;
        }
        if (!r.flushing) {
          r.flushing = true;
          this.flushReqs.push(r);
          this.flushSinks.push(sink);
        }
        sink.body(body);
        return;
      }
      case RecordType.STDERR:
        if (sink !== null && record.content.length > 0) this.onStderr(r, record.content);
        return;
      case RecordType.GANTRY_STDOUT:
        if (sink === null || record.content.length === 0) return;
        // The sink is looked up at each line, as for stderr: an aborted request drops the rest.
        r.stdout ??= new LineSplitter((line) => r.sink?.stdout(line));
        r.stdout.push(record.content);
        return;
      case RecordType.END_REQUEST: {
        const { appStatus, protocolStatus } = decodeEndRequest(record.content);
        this.reqs.delete(r.id);
        // The client may have paused us for the last body chunk and then finished without a 'drain':
        // a finished request never holds the socket.
        this.unpause(r);
        endOutput(r);
        if (sink !== null) {
          if (r.parser.head === null)
            sink.fail(
              protocolStatus === ProtocolStatus.OVERLOADED
                ? new WorkerOverloadedError()
                : new Error('worker ended the request without a response'),
            );
          else sink.end(appStatus);
        }
        this.onRequestEnd?.(this, r.owner);
        return;
      }
      default:
        return;
    }
  }

  private onStderr(r: InFlight, content: Buffer): void {
    // The sink is looked up at each line: an aborted request (sink cleared) drops the rest.
    if (r.stderr === null) {
      const entries = new StderrEntries((text, level) => r.sink?.stderr(text, level));
      r.stderr = { lines: new LineSplitter((line) => entries.push(line)), entries };
    }
    r.stderr.lines.push(content);
  }

  private failAll(err: Error): void {
    let first = true;
    for (const r of this.reqs.values()) {
      endOutput(r);
      const sink = r.sink;
      r.sink = null;
      // Only the oldest request can be running: the ones pipelined behind it never reached the app.
      sink?.fail(first ? err : new WorkerNeverStartedError(err));
      first = false;
    }
  }

  private onSocketClose(): void {
    const wasConnecting = this.state === 'connecting';
    this.state = 'closed';
    this.socket = null;
    if (wasConnecting) this.flushConnect(new Error('could not connect to worker'));
    this.failAll(new Error('worker connection closed'));
    const owners = [...this.reqs.values()].map((r) => r.owner);
    this.reqs.clear();
    this.onClose?.(this, owners);
  }
}

/** The request's output streams are over: a line left unended, or a traceback in progress, is an entry. */
function endOutput(r: InFlight): void {
  r.stdout?.end();
  const s = r.stderr;
  if (s === null) return;
  s.lines.end();
  s.entries.end();
}
