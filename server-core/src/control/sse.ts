// One server-sent-events client: ordered frames with ids, heartbeats, and a bounded buffer. A client that reads
// slower than events arrive loses the oldest buffered ones and is told so with a 'dropped' event, rather than
// making the server hold an ever-growing queue.
import type { SseEnvelope, SseType } from './contract.js';

export interface SseSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface SseClientOptions {
  /** Most frames held while the socket is not writable. */
  readonly maxBuffered?: number;
  readonly apps?: readonly string[];
  readonly types?: readonly SseType[];
}

// One event goes to every connected client: serialise it once.
const serialised = new WeakMap<SseEnvelope, string>();

export function formatFrame(e: SseEnvelope, withId = true): string {
  let json = serialised.get(e);
  if (json === undefined) serialised.set(e, (json = JSON.stringify(e)));
  return `${withId ? `id: ${e.id}\n` : ''}event: ${e.type}\ndata: ${json}\n\n`;
}

export class SseClient {
  private readonly buffer: { id: number; frame: string }[] = [];
  private waitingForDrain = false;
  private dropped: { count: number; fromId: number; toId: number } | null = null;
  private closed = false;
  readonly maxBuffered: number;

  constructor(private readonly sink: SseSink, private readonly options: SseClientOptions = {}) {
    this.maxBuffered = options.maxBuffered ?? 2000;
  }

  wants(e: SseEnvelope): boolean {
    if (e.type === 'dropped') return true;
    if (this.options.types && !this.options.types.includes(e.type)) return false;
    if (this.options.apps && e.appId !== null && !this.options.apps.includes(e.appId)) return false;
    return true;
  }

  send(e: SseEnvelope): void {
    if (this.closed || !this.wants(e)) return;
    // A per-client notice (dropped) has no id of its own, so the client's Last-Event-ID stays on real events.
    this.enqueue(e.id, formatFrame(e, e.type !== 'dropped'));
  }

  comment(text: string): void {
    if (this.closed) return;
    // Heartbeats are only useful when the pipe is idle; skip when frames are queued.
    if (!this.waitingForDrain) this.write(`: ${text}\n\n`);
  }

  /** Writes raw text (retry:, initial comment) directly. */
  raw(text: string): void {
    if (!this.closed) this.write(text);
  }

  close(): void {
    this.closed = true;
    this.buffer.length = 0;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  private enqueue(id: number, frame: string): void {
    if (!this.waitingForDrain && this.buffer.length === 0) {
      this.write(frame);
      return;
    }
    this.buffer.push({ id, frame });
    if (this.buffer.length > this.maxBuffered) {
      const lost = this.buffer.shift()!;
      this.dropped = this.dropped ? { count: this.dropped.count + 1, fromId: this.dropped.fromId, toId: lost.id } : { count: 1, fromId: lost.id, toId: lost.id };
    }
  }

  private write(chunk: string): void {
    if (!this.sink.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.sink.once('drain', () => this.flush());
    }
  }

  private flush(): void {
    this.waitingForDrain = false;
    if (this.closed) return;
    if (this.dropped) {
      const d = this.dropped;
      this.dropped = null;
      const notice: SseEnvelope = { id: d.toId, type: 'dropped', appId: null, time: Date.now(), data: { ...d, reason: 'slow-client' } };
      this.write(formatFrame(notice, false));
    }
    while (this.buffer.length > 0 && !this.waitingForDrain) this.write(this.buffer.shift()!.frame);
  }
}
