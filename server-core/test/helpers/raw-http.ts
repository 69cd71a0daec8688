// A raw-socket HTTP/1.x client for conformance tests: send exact bytes (malformed on purpose),
// then parse whatever comes back, including several pipelined responses and interim 1xx ones.
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** Header fields in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** The first value of a header, case-insensitively. */
  header(name: string): string | undefined;
}

export interface ParseResult {
  /** Complete responses, interim (1xx) ones included, in order. */
  readonly responses: RawResponse[];
  /** Bytes after the last complete response. */
  readonly rest: Buffer;
}

/**
 * Parses as many complete responses as `buf` holds. `methods` lists the request methods in order
 * (HEAD responses have no body); a response without a length is complete only when `closed`.
 */
export function parseResponses(buf: Buffer, methods: readonly string[] = [], closed = false): ParseResult {
  const responses: RawResponse[] = [];
  let pos = 0;
  let finalIndex = 0;
  for (;;) {
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) break;
    const head = buf.subarray(pos, headEnd).toString('latin1').split('\r\n');
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(head[0] ?? '');
    if (!m) throw new Error(`not an HTTP response at byte ${pos}: ${JSON.stringify(buf.subarray(pos, pos + 80).toString('latin1'))}`);
    const headers: Array<[string, string]> = [];
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    const get = (name: string) => headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const status = Number(m[2]);
    const interim = status >= 100 && status < 200;
    const method = methods[finalIndex] ?? 'GET';
    let bodyStart = headEnd + 4;
    let body: Buffer;
    let end: number;
    if (interim || status === 204 || status === 304 || method === 'HEAD') {
      body = Buffer.alloc(0);
      end = bodyStart;
    } else if ((get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
      const chunks: Buffer[] = [];
      let p = bodyStart;
      let complete = false;
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', p);
        if (lineEnd < 0) break;
        const size = parseInt(buf.subarray(p, lineEnd).toString('latin1').split(';')[0]!, 16);
        if (Number.isNaN(size)) throw new Error(`bad chunk size in response: ${buf.subarray(p, lineEnd).toString('latin1')}`);
        if (size === 0) {
          // Trailers end with an empty line.
          const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd);
          const emptyTrailer = buf.subarray(lineEnd, lineEnd + 4).toString('latin1') === '\r\n\r\n';
          if (emptyTrailer) {
            p = lineEnd + 4;
            complete = true;
          } else if (trailerEnd >= 0) {
            p = trailerEnd + 4;
            complete = true;
          }
          break;
        }
        if (buf.length < lineEnd + 2 + size + 2) break;
        chunks.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        p = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(chunks);
      end = p;
    } else if (get('content-length') !== undefined) {
      const len = Number(get('content-length'));
      if (!/^\d+$/.test(get('content-length')!))
        throw new Error(`invalid Content-Length in response: ${JSON.stringify(get('content-length'))}`);
      if (buf.length < bodyStart + len) break;
      body = buf.subarray(bodyStart, bodyStart + len);
      end = bodyStart + len;
    } else {
      // Delimited by close.
      if (!closed) break;
      body = buf.subarray(bodyStart);
      end = buf.length;
    }
    bodyStart = end;
    responses.push({ version: m[1]!, status, reason: m[3] ?? '', headers, body, header: get });
    pos = end;
    if (!interim) finalIndex++;
    if (pos >= buf.length) break;
  }
  return { responses, rest: buf.subarray(pos) };
}

export class RawConnection {
  private chunks: Buffer[] = [];
  private listeners = new Set<() => void>();
  closed = false;
  error: Error | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.notify();
    });
    socket.on('error', (e) => {
      this.error = e;
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.once('connect', () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  get received(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('socket destroyed'));
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Half-close: we send FIN, the server may still answer. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves when `predicate` holds (checked on every arrival and on close); rejects at the deadline. */
  waitFor(predicate: (c: RawConnection) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let ok = false;
        try {
          ok = predicate(this);
        } catch (e) {
          done();
          reject(e as Error);
          return;
        }
        if (ok) {
          done();
          resolve();
        } else if (this.closed) {
          done();
          reject(new Error(`connection closed before ${what}; received ${JSON.stringify(this.received.toString('latin1').slice(0, 500))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; received ${JSON.stringify(this.received.toString('latin1').slice(0, 500))}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for `count` final (non-1xx) responses, or for the close that ends fewer of them. */
  async responses(
    count: number,
    methods: readonly string[] = [],
    timeoutMs = 10_000,
  ): Promise<{ responses: RawResponse[]; closed: boolean }> {
    const finals = () => parseResponses(this.received, methods, this.closed).responses.filter((r) => r.status >= 200).length;
    await this.waitFor((c) => c.closed || finals() >= count, timeoutMs, `${count} response(s)`);
    return { responses: parseResponses(this.received, methods, this.closed).responses, closed: this.closed };
  }

  /** Waits for the server to close the connection; true if it did before the deadline. */
  waitForClose(timeoutMs = 10_000): Promise<boolean> {
    return this.waitFor((c) => c.closed, timeoutMs, 'close').then(
      () => true,
      () => false,
    );
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** Sends `data` on a fresh connection and collects `expect` final responses (or fewer, if it closes). */
export async function rawExchange(
  port: number,
  data: string | Buffer,
  opts: { methods?: readonly string[]; expect?: number; timeoutMs?: number; halfClose?: boolean } = {},
): Promise<{ responses: RawResponse[]; closed: boolean; received: Buffer }> {
  const c = await RawConnection.connect(port);
  try {
    await c.write(data).catch(() => undefined); // a server may reset before we finish writing
    if (opts.halfClose) c.end();
    const r = await c.responses(opts.expect ?? 1, opts.methods ?? [], opts.timeoutMs ?? 10_000);
    return { ...r, received: c.received };
  } finally {
    c.destroy();
  }
}
