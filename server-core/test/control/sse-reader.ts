// Reads an SSE stream in tests: parses frames and waits for a condition on what has arrived (never on time,
// except for an overall deadline that turns a hang into a failure).
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
  const frames: Frame[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let ended = false;
  let resume!: () => void;
  const started = opts.paused ? new Promise<void>((r) => (resume = r)) : Promise.resolve();
  if (!opts.paused) resume = () => undefined;
  void (async () => {
    await started;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          let id: string | null = null;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) frames.push({ id, event, data: JSON.parse(data.join('\n')) });
        }
        for (const w of waiters) w();
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      for (const w of waiters) w();
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

/** Waits (on the server's answer, not on time) until one more event stream is accepted. */
export async function untilAccepted(url: string, headers: Record<string, string>, deadlineMs = 15_000): Promise<SseReader> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const res = await fetch(url, { headers });
    if (res.status === 200) {
      await res.body?.cancel();
      return openSse(url, headers);
    }
    await res.arrayBuffer();
    if (Date.now() > until) throw new Error(`no stream accepted within ${deadlineMs} ms (last answer ${res.status})`);
    await new Promise((r) => setImmediate(r));
  }
}
