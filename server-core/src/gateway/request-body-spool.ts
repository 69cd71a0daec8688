// Reads a request body whole before the request goes to a worker, as nginx does in front of gunicorn: a
// client sending slowly then holds a socket and a little memory, never a worker. The first MEMORY_LIMIT
// bytes stay in memory; past that the body goes to a temporary file, unlinked as soon as it is opened, so
// nothing is left on disk however Gantry ends.
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { timerMs } from '../timer-ms.js';
import type { BodyMemoryPool } from './body-memory-pool.js';

/** What a body may take in memory before it goes to a temporary file (nginx's client_body_buffer_size is 8-16 KiB). */
const SPOOL_MEMORY_LIMIT = 1024 * 1024;

export type SpoolFailure = 'too-large' | 'client-gone' | 'disk' | 'timeout';

/** A body read whole: replayed to the worker as a stream, then disposed of. */
export interface SpooledBody {
  readonly bytes: number;
  /** The body from its first byte (once). */
  stream(): Readable;
  /** Frees the memory or closes (and so frees) the temporary file; idempotent. */
  dispose(): void;
}

export interface SpoolOptions {
  /** Largest body (0: no limit): past it the spool stops with 'too-large'. */
  readonly limit: number;
  readonly memoryLimit?: number;
  /** How long the client may send nothing (0 or absent: no limit); past it the spool stops with 'timeout'. */
  readonly idleTimeoutMs?: number;
  /** What all bodies may hold in memory together; past it, bytes go to the temporary file. */
  readonly pool: BodyMemoryPool;
  readonly dir?: string;
}

let files = 0;

/**
 * Reads `req` to its end; `done` gets the body, or why there is none. Returns a function that stops
 * the read (the client's response is settled elsewhere) and frees what was kept.
 */
export function spoolRequestBody(
  req: IncomingMessage,
  opts: SpoolOptions,
  done: (failure: SpoolFailure | null, body: SpooledBody | null, error?: Error) => void,
): () => void {
  const memoryLimit = opts.memoryLimit ?? SPOOL_MEMORY_LIMIT;
  const pool = opts.pool;
  let chunks: Buffer[] = [];
  /** Bytes of `chunks`, taken from the pool. */
  let inMemory = 0;
  let bytes = 0;
  let file: FileHandle | null = null;
  let opening: Promise<FileHandle> | null = null;
  /** Writes to the file, in order. */
  let writes: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let settled = false;
  let ended = false;

  // nginx's client_body_timeout: the time between two reads, not for the whole body. Time spent waiting
  // for our own disk write (the client is paused then) does not count.
  const idleMs = opts.idleTimeoutMs ?? 0;
  const onIdle = (): void => {
    if (settled) return;
    if (pending > 0) timer!.refresh();
    else finish('timeout');
  };
  const timer = idleMs > 0 ? setTimeout(onIdle, timerMs(idleMs)) : null;

  const cleanup = (): void => {
    if (timer) clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('aborted', onGone);
    req.off('close', onGone);
    req.off('error', onGone);
  };
  const freeFile = (): void => {
    const f = file;
    file = null;
    if (f) void f.close().catch(() => {});
    else if (opening) void opening.then((h) => h.close()).catch(() => {});
    opening = null;
  };
  const finish = (failure: SpoolFailure | null, error?: Error): void => {
    if (settled) return;
    settled = true;
    cleanup();
    if (failure !== null) {
      chunks = [];
      pool.give(inMemory);
      inMemory = 0;
      freeFile();
      return done(failure, null, error);
    }
    const body = spooled(chunks, file, bytes, pool, inMemory);
    chunks = [];
    inMemory = 0;
    file = null;
    done(null, body);
  };

  const toFile = (chunk: Buffer): void => {
    opening ??= openSpoolFile(opts.dir ?? tmpdir()).then((h) => (file = h));
    const batch = chunks.length > 0 ? [...chunks, chunk] : [chunk];
    // The chunks kept so far stay in memory until they are written.
    const batchMemory = inMemory;
    chunks = [];
    inMemory = 0;
    pending++;
    req.pause();
    writes = writes
      .then(() => opening!)
      .then((h) => h.writev(batch))
      .finally(() => pool.give(batchMemory))
      .then(
        () => {
          if (--pending === 0 && !settled) {
            if (ended) finish(null);
            else req.resume();
          }
        },
        (err: Error) => finish('disk', err),
      );
  };

  const onData = (chunk: Buffer): void => {
    if (settled) return;
    timer?.refresh();
    bytes += chunk.length;
    if (opts.limit > 0 && bytes > opts.limit) return finish('too-large');
    if (opening === null && bytes <= memoryLimit && pool.take(chunk.length)) {
      chunks.push(chunk);
      inMemory += chunk.length;
    } else toFile(chunk);
  };
  const onEnd = (): void => {
    ended = true;
    if (pending === 0) finish(null);
  };
  const onGone = (): void => {
    if (!ended) finish('client-gone');
  };

  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', onGone);
  req.on('close', onGone);
  req.on('error', onGone);
  return () => finish('client-gone');
}

async function openSpoolFile(dir: string): Promise<FileHandle> {
  const path = join(dir, `gantry-body-${process.pid}-${++files}-${Math.random().toString(36).slice(2)}`);
  const h = await open(path, 'wx+', 0o600);
  // Unlinked at once: the open handle keeps the data; the disk space comes back when it is closed, even
  // after a kill -9.
  await unlink(path).catch(() => {});
  return h;
}

/** `inMemory`: the bytes of `chunks` taken from `pool`, given back as they are read or when disposed of. */
function spooled(chunks: Buffer[], file: FileHandle | null, bytes: number, pool: BodyMemoryPool, inMemory: number): SpooledBody {
  let disposed = false;
  let stream: Readable | null = null;
  return {
    bytes,
    stream() {
      if (stream) throw new Error('spooled body already read');
      if (file === null) {
        const list = chunks;
        stream = new Readable({
          read() {
            const next = list.shift();
            if (next !== undefined) {
              pool.give(next.length);
              inMemory -= next.length;
            }
            this.push(next ?? null);
          },
        });
      } else {
        // The handle is closed by the stream when it ends or is destroyed.
        stream = file.createReadStream({ start: 0, highWaterMark: 64 * 1024, autoClose: true });
        stream.on('error', () => {});
      }
      return stream;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      chunks = [];
      pool.give(inMemory);
      inMemory = 0;
      if (stream) stream.destroy();
      else if (file) void file.close().catch(() => {});
    },
  };
}
