// Reads an SSE stream in tests with the control API's own parser (src/control/sse-parser.ts), and waits for a
// condition on what has arrived (never on time, except for an overall deadline that turns a hang into a failure).
import { createSseParser, readSse } from '../../src/control/sse-parser.js';

export interface Frame {
  readonly id: string | null;
  readonly event: string;
  readonly data: any;
}

export interface SseReader {
  readonly frames: Frame[];
  readonly comments: string[];
  /** Resolves with the frames once `done(frames)` is true; rejects after timeoutMs. */
  until(done: (frames: Frame[]) => boolean, timeoutMs?: number): Promise<Frame[]>;
  close(): Promise<void>;
  /** For a reader opened paused: start reading. */
  resume(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}, opts: { paused?: boolean } = {}): Promise<SseReader> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`SSE ${url} answered ${res.status}: ${await res.text()}`);
  return readerOf(res, ac, opts);
}

/** A reader over a stream the server already accepted (`ac` aborts its fetch). */
function readerOf(res: Response, ac: AbortController, opts: { paused?: boolean } = {}): SseReader {
  const frames: Frame[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of waiters) w();
  };
  const onComment = (text: string): void => {
    comments.push(text.trim());
    wake();
  };
  const messages = readSse(res.body!, createSseParser({ onComment }));
  let ended = false;
  let resume!: () => void;
  const started = opts.paused ? new Promise<void>((r) => (resume = r)) : Promise.resolve();
  if (!opts.paused) resume = () => undefined;
  void (async () => {
    await started;
    try {
      for await (const m of messages) {
        frames.push({ id: m.id, event: m.event, data: JSON.parse(m.data) });
        wake();
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      wake();
    }
  })();
  return {
    frames,
    comments,
    until(done, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (done(frames)) {
            cleanup();
            resolve(frames);
          } else if (ended) {
            cleanup();
            reject(new Error(`stream ended; got ${frames.map((f) => f.event).join(',')}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting; got ${frames.length} frames: ${frames.map((f) => f.event).join(',')}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      ac.abort();
    },
    resume: () => resume(),
  };
}

/** Reads the stream to its end: "stream ended …" when the server ends it, the timeout's message when it does not. */
export function howItEnds(reader: SseReader): Promise<string> {
  return reader
    .until(() => false)
    .then(
      () => 'still open',
      (e: Error) => e.message,
    );
}

/** Waits (on the server's answer, not on time) until one more event stream is accepted. */
export async function untilAccepted(url: string, headers: Record<string, string>, deadlineMs = 15_000): Promise<SseReader> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ac = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
    // Read the accepted stream itself: cancelling it and opening another raced the server's count of the first.
    if (res.status === 200) return readerOf(res, ac);
    await res.arrayBuffer();
    if (Date.now() > until) throw new Error(`no stream accepted within ${deadlineMs} ms (last answer ${res.status})`);
    await new Promise((r) => setImmediate(r));
  }
}
