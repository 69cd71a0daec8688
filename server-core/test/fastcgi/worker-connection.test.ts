// WorkerConnection against a scripted FastCGI peer: responses routed by request id (several at once),
// stderr lines, END_REQUEST statuses (OVERLOADED → retryable), aborts and a peer that hangs up (requests
// pipelined behind the running one → retryable).
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CgiHead } from '../../src/fastcgi/cgi-response.js';
import { RequestHeadEncoder } from '../../src/fastcgi/request-head.js';
import { ProtocolStatus, RecordDecoder, RecordType, encodeEndRequest, encodeStream, type FcgiRecord } from '../../src/fastcgi/records.js';
import {
  Flushed,
  READ_SIZE,
  WorkerConnection,
  WorkerNeverStartedError,
  WorkerOverloadedError,
  type ResponseSink,
} from '../../src/fastcgi/worker-connection.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { cleanupPerTest } from '../helpers/per-test.js';

class Collect implements ResponseSink {
  status = 0;
  bodyText = '';
  lines: string[] = [];
  outLines: string[] = [];
  ended: number | null = null;
  error: Error | null = null;
  private waiters: Array<() => void> = [];
  head(h: CgiHead): void {
    this.status = h.status;
  }
  body(chunk: Buffer): boolean {
    this.bodyText += chunk.toString();
    return true;
  }
  stderr(text: string): void {
    this.lines.push(text);
  }
  stdout(text: string): void {
    this.outLines.push(text);
  }
  end(appStatus: number): void {
    this.ended = appStatus;
    this.waiters.forEach((w) => w());
  }
  fail(error: Error): void {
    this.error = error;
    this.waiters.forEach((w) => w());
  }
  done(): Promise<void> {
    if (this.ended !== null || this.error !== null) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }
}

const encoder = new RequestHeadEncoder([['SCRIPT_NAME', '']]);
const tmp = tempDirScope();
const defer = cleanupPerTest();
let peer: Socket | null = null;
const received: FcgiRecord[] = [];
let onRecord: (r: FcgiRecord, sock: Socket) => void = () => {};

beforeEach(async () => {
  received.length = 0;
  const server = createServer((sock) => {
    peer = sock;
    const d = new RecordDecoder((r) => {
      const copy = { ...r, content: Buffer.from(r.content) };
      received.push(copy);
      onRecord(copy, sock);
    });
    sock.on('data', (c: Buffer) => d.push(c));
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(join(tmp.path, 'w.sock'), r));
  defer(async () => {
    peer?.destroy();
    await new Promise((r) => server.close(r));
  });
});

function connected(): Promise<WorkerConnection> {
  const c = new WorkerConnection(join(tmp.path, 'w.sock'));
  return new Promise((resolve, reject) => c.ensureConnected((err) => (err ? reject(err) : resolve(c))));
}

function respond(sock: Socket, id: number, text: string, extra?: Buffer): void {
  sock.write(
    Buffer.concat([
      encodeStream(RecordType.STDOUT, id, Buffer.from(`Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n${text}`)),
      extra ?? Buffer.alloc(0),
      encodeEndRequest(id, 0, 0),
    ]),
  );
}

describe('WorkerConnection', () => {
  it('carries two requests at once and routes each response by id, with stderr lines', async () => {
    const c = await connected();
    const a = new Collect();
    const b = new Collect();
    let begun = 0;
    onRecord = (r, sock) => {
      if (r.type === RecordType.STDIN && r.content.length === 0 && ++begun === 2) {
        // Answer the second request first.
        respond(sock, 2, 'second', encodeStream(RecordType.STDERR, 2, Buffer.from('warn one\nwarn two\n')));
        respond(sock, 1, 'first');
      }
    };
    const ids = [
      c.begin((id) => encoder.encode(id, { names: ['PATH_INFO'], values: ['/a'] }, true), a),
      c.begin((id) => encoder.encode(id, { names: ['PATH_INFO'], values: ['/b'] }, true), b),
    ];
    expect(ids).toEqual([1, 2]);
    expect(c.load).toBe(2);
    await Promise.all([a.done(), b.done()]);
    expect([a.status, a.bodyText, a.ended]).toEqual([200, 'first', 0]);
    expect([b.status, b.bodyText, b.ended]).toEqual([200, 'second', 0]);
    expect(b.lines).toEqual(['warn one', 'warn two']);
    expect(c.load).toBe(0);
    c.destroy();
  });

  it('gives the sink GANTRY_STDOUT as lines, apart from stderr, with a line cut across records and an unended tail', async () => {
    const c = await connected();
    const s = new Collect();
    onRecord = (r, sock) => {
      if (r.type !== RecordType.STDIN || r.content.length !== 0) return;
      const out = (t: string): Buffer => encodeStream(RecordType.GANTRY_STDOUT, r.requestId, Buffer.from(t));
      const err = (t: string): Buffer => encodeStream(RecordType.STDERR, r.requestId, Buffer.from(t));
      respond(
        sock,
        r.requestId,
        'ok',
        Buffer.concat([out('printed one\nprin'), err('WARNING:x:careful\n'), out('ted two\n'), out('no newline at the end')]),
      );
    };
    c.begin((id) => encoder.encode(id, { names: [], values: [] }, true), s);
    await s.done();
    expect(s.bodyText).toBe('ok');
    expect(s.outLines).toEqual(['printed one', 'printed two', 'no newline at the end']);
    expect(s.lines).toEqual(['WARNING:x:careful']);
    c.destroy();
  });

  it('reports FCGI_OVERLOADED as a retryable error and calls onRequestEnd with the owner', async () => {
    const c = await connected();
    const s = new Collect();
    const ended: unknown[] = [];
    c.onRequestEnd = (_conn, owner) => ended.push(owner);
    onRecord = (r, sock) => {
      if (r.type === RecordType.BEGIN_REQUEST) sock.write(encodeEndRequest(r.requestId, 0, ProtocolStatus.OVERLOADED));
    };
    c.begin((id) => encoder.encode(id, { names: [], values: [] }, true), s, 'job-1');
    await s.done();
    expect(s.error).toBeInstanceOf(WorkerOverloadedError);
    expect(ended).toEqual(['job-1']);
    c.destroy();
  });

  it('sends ABORT_REQUEST, drops further output, frees the id at END_REQUEST', async () => {
    const c = await connected();
    const s = new Collect();
    const ended: unknown[] = [];
    const endedOnce = new Promise<void>((resolve) => {
      c.onRequestEnd = (_conn, owner) => {
        ended.push(owner);
        resolve();
      };
    });
    let abortSeen!: () => void;
    const aborted = new Promise<void>((r) => (abortSeen = r));
    onRecord = (r, sock) => {
      if (r.type === RecordType.ABORT_REQUEST) {
        respond(sock, r.requestId, 'too late');
        abortSeen();
      }
    };
    const id = c.begin((i) => encoder.encode(i, { names: [], values: [] }, false), s, 'job-2');
    c.writeBody(id, Buffer.from('partial body'));
    c.abort(id);
    await aborted;
    await endedOnce;
    expect(ended).toEqual(['job-2']);
    expect(s.bodyText).toBe('');
    expect(received.filter((r) => r.type === RecordType.STDIN).map((r) => r.content.toString())).toEqual(['partial body']);
    c.destroy();
  });

  it('fails every request it carries when the peer hangs up', async () => {
    const c = await connected();
    const s = new Collect();
    const closed: unknown[][] = [];
    c.onClose = (_conn, owners) => closed.push(owners);
    onRecord = (r, sock) => {
      if (r.type === RecordType.BEGIN_REQUEST) sock.destroy();
    };
    c.begin((id) => encoder.encode(id, { names: [], values: [] }, true), s, 'job-3');
    await s.done();
    expect(s.error?.message).toMatch(/closed/);
    expect(closed).toEqual([['job-3']]);
    expect(c.usable).toBe(false);
  });

  it('when the peer hangs up, requests pipelined behind the oldest one are reported as never started', async () => {
    const c = await connected();
    const [a, b, d] = [new Collect(), new Collect(), new Collect()];
    let begun = 0;
    onRecord = (r, sock) => {
      // The first request is answered; the peer dies while running the second, with the third waiting.
      if (r.type === RecordType.BEGIN_REQUEST && ++begun === 3) {
        respond(sock, 1, 'one');
        setTimeout(() => sock.destroy(), 20);
      }
    };
    const head = (id: number): Buffer => encoder.encode(id, { names: [], values: [] }, true);
    c.begin(head, a, 'a');
    c.begin(head, b, 'b');
    c.begin(head, d, 'd');
    await Promise.all([a.done(), b.done(), d.done()]);
    expect(a.ended).toBe(0);
    expect(a.bodyText).toBe('one');
    expect(b.error).not.toBeInstanceOf(WorkerNeverStartedError);
    expect(b.error?.message).toMatch(/closed/);
    expect(d.error).toBeInstanceOf(WorkerNeverStartedError);
  });
});

/** A sink with flush(): keeps every body piece as given (views into the read buffer) and says so, or pauses. */
class Keeper extends Collect {
  pieces: Buffer[] = [];
  flushes = 0;
  mode: number = Flushed.HELD;
  override body(chunk: Buffer): boolean {
    this.pieces.push(chunk);
    return true;
  }
  flush(): number {
    this.flushes++;
    return this.mode;
  }
}

/** A body that shows any overwrite: every 4-byte word is its own offset. */
function numbered(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) b.writeUInt32BE(i, i);
  return b;
}

describe('WorkerConnection read buffer', () => {
  it('reads into a new buffer when a sink still holds pieces of the last one (records split across many reads)', async () => {
    const c = await connected();
    const k = new Keeper();
    const body = numbered(3 * READ_SIZE + 12345);
    onRecord = (r, sock) => {
      if (r.type !== RecordType.STDIN || r.content.length !== 0) return;
      // Head, then the body in 65535-byte records, written in odd slices so records and headers straddle reads.
      const all = Buffer.concat([
        encodeStream(RecordType.STDOUT, r.requestId, Buffer.concat([Buffer.from('Status: 200 OK\r\n\r\n'), body])),
        encodeEndRequest(r.requestId, 0, 0),
      ]);
      let at = 0;
      const next = (): void => {
        if (at >= all.length) return;
        sock.write(all.subarray(at, at + 40_000));
        at += 40_000;
        setTimeout(next, 1);
      };
      next();
    };
    c.begin((id) => encoder.encode(id, { names: [], values: [] }, true), k);
    await k.done();
    expect(k.ended).toBe(0);
    expect(k.pieces.length).toBeGreaterThan(4);
    expect(k.flushes).toBeGreaterThan(4);
    expect(Buffer.concat(k.pieces).equals(body)).toBe(true);
    c.destroy();
  });

  it('reuses its buffer when sinks say CLEAR (pieces are only valid until flush), and pauses on FULL until resume', async () => {
    const c = await connected();
    const k = new Keeper();
    k.mode = Flushed.CLEAR;
    const got: Buffer[] = [];
    const seen = new Set<ArrayBuffer>();
    k.body = (chunk: Buffer): boolean => {
      seen.add(chunk.buffer as ArrayBuffer);
      got.push(Buffer.from(chunk));
      return true;
    };
    const body = numbered(2 * READ_SIZE);
    let sock!: Socket;
    onRecord = (r, s) => {
      if (r.type !== RecordType.STDIN || r.content.length !== 0) return;
      sock = s;
      sock.write(
        encodeStream(RecordType.STDOUT, r.requestId, Buffer.concat([Buffer.from('Status: 200 OK\r\n\r\n'), body.subarray(0, READ_SIZE)])),
      );
    };
    const id = c.begin((i) => encoder.encode(i, { names: [], values: [] }, true), k);
    await expect.poll(() => Buffer.concat(got).length, { timeout: 5000 }).toBe(READ_SIZE);
    expect(seen.size).toBe(1);
    // FULL: the connection stops reading until resume(); what the worker sends meanwhile waits in the socket.
    k.mode = Flushed.FULL;
    sock.write(encodeStream(RecordType.STDOUT, id, body.subarray(READ_SIZE, READ_SIZE + 1000)));
    await expect.poll(() => Buffer.concat(got).length).toBe(READ_SIZE + 1000);
    k.mode = Flushed.CLEAR;
    sock.write(Buffer.concat([encodeStream(RecordType.STDOUT, id, body.subarray(READ_SIZE + 1000)), encodeEndRequest(id, 0, 0)]));
    await new Promise((r) => setTimeout(r, 100));
    expect(Buffer.concat(got).length).toBe(READ_SIZE + 1000);
    expect(k.ended).toBeNull();
    c.resume(id);
    await k.done();
    expect(k.ended).toBe(0);
    expect(Buffer.concat(got).equals(body)).toBe(true);
    c.destroy();
  });
});
