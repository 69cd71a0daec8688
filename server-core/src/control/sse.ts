// One server-sent-events client: ordered frames with ids, heartbeats, and a budget. Two shapes:
// - plain (the default): one frame per event. A client that reads slower than events arrive loses the oldest
//   buffered ones and is told so with a 'dropped' event, rather than making the server hold an ever-growing queue.
// - batched (?batch=1, the UI): the events of one frame-sized interval go out as one `batch` frame; access entries
//   the client filters out (or only counts: a paused or hidden table) are never serialised; above the rate the client can show, access entries are sampled —
//   errors, slow requests and requests that wrote output always pass — with the true counts in the frame.
// Either way, a client that stops reading past its byte budget is disconnected: it resumes with Last-Event-ID.
import { accessFilter } from '../logging/access-filter.js';
import type { AccessRecord, EventsQuery, SseBatch, SseEnvelope, SseType } from './contract.js';

export interface SseSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Bytes the socket already holds (node's writableLength). */
  readonly writableLength?: number;
  /** Ends the connection (a client over its budget). */
  destroy?(): unknown;
}

export interface SseClientOptions {
  /** Most frames held while the socket is not writable (plain streams). */
  readonly maxBuffered?: number;
  /** Most bytes held for a client that does not read before it is disconnected. */
  readonly maxBufferedBytes?: number;
  readonly apps?: readonly string[];
  readonly types?: readonly SseType[];
  /**
   * Plain streams: frames that arrive within this many ms go out in one write (0: each at once). One write per
   * event per subscriber was a syscall per request per subscriber — what many idle subscribers cost an app.
   */
  readonly coalesceMs?: number;
  /** Batched stream settings (see eventsQuerySchema). */
  readonly batch?: Pick<EventsQuery, 'maxRate' | 'slowMs' | 'access' | 'status' | 'method' | 'minDurationMs' | 'path'> & { readonly intervalMs?: number };
}

export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const DEFAULT_BATCH_MS = 50;
/** A batch this big goes out at once rather than waiting for the interval (a replay, a burst). */
const MAX_BATCH_BYTES = 64 * 1024;
/** Live events queued behind a replay the client is not reading. */
const MAX_BACKLOG = 50_000;

// One event goes to every connected client: serialise it once.
const serialised = new WeakMap<SseEnvelope, string>();

export function envelopeJson(e: SseEnvelope): string {
  let json = serialised.get(e);
  if (json === undefined) serialised.set(e, (json = JSON.stringify(e)));
  return json;
}

export function formatFrame(e: SseEnvelope, withId = true): string {
  return `${withId ? `id: ${e.id}\n` : ''}event: ${e.type}\ndata: ${envelopeJson(e)}\n\n`;
}

export class SseClient {
  private readonly buffer: { id: number; frame: string }[] = [];
  private bufferedBytes = 0;
  private waitingForDrain = false;
  private dropped: { count: number; fromId: number; toId: number } | null = null;
  private closed = false;
  readonly maxBuffered: number;
  readonly maxBufferedBytes: number;
  /** Set when the client was disconnected for not reading: the id it can resume after. */
  overBudgetAt: number | null = null;
  private lastQueuedId = 0;
  private backlog: SseEnvelope[] = [];
  private backlogAt = 0;
  private readonly coalesceMs: number;
  private outgoing: string[] = [];
  private outgoingBytes = 0;
  private outgoingTimer: ReturnType<typeof setTimeout> | null = null;

  // Batched streams.
  private readonly batched: boolean;
  private pending: string[] = [];
  private pendingBytes = 0;
  private pendingLastId = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly intervalMs: number;
  private readonly accessFilter: ((a: AccessRecord) => boolean) | null;
  private readonly countOnly: boolean;
  private readonly maxRate: number;
  private readonly slowMs: number;
  private counts = { seen: 0, matched: 0, sent: 0 };
  /** Sampling: 1 in `oneIn` ordinary entries, decided from the last second's rate. */
  private oneIn = 1;
  private skip = 0;
  private windowStart = 0;
  private windowMatched = 0;
  /** Requests that wrote output recently (their access entry always passes sampling). */
  private withOutput = new Set<string>();
  private withOutputOld = new Set<string>();

  constructor(private readonly sink: SseSink, private readonly options: SseClientOptions = {}) {
    this.maxBuffered = options.maxBuffered ?? 2000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.coalesceMs = options.coalesceMs ?? 16;
    this.batched = options.batch !== undefined;
    this.intervalMs = options.batch?.intervalMs ?? DEFAULT_BATCH_MS;
    this.accessFilter = options.batch ? accessFilter(options.batch) : null;
    this.countOnly = options.batch?.access === 'count';
    this.maxRate = options.batch?.maxRate ?? 1000;
    this.slowMs = options.batch?.slowMs ?? 500;
  }

  wants(e: SseEnvelope): boolean {
    if (e.type === 'dropped') return true;
    if (this.options.types && !this.options.types.includes(e.type)) return false;
    if (this.options.apps && e.appId !== null && !this.options.apps.includes(e.appId)) return false;
    return true;
  }

  /**
   * Replays events (a resume): they go out as the socket takes them, never more than the budget at once, and
   * live events wait behind them so the order holds.
   */
  replay(events: readonly SseEnvelope[]): void {
    for (const e of events) this.backlog.push(e);
    this.pump();
  }

  send(e: SseEnvelope): void {
    if (this.closed) return;
    if (this.backlogAt < this.backlog.length) {
      this.backlog.push(e);
      if (this.backlog.length - this.backlogAt > MAX_BACKLOG) this.disconnect();
      return;
    }
    this.deliver(e);
  }

  private pump(): void {
    while (this.backlogAt < this.backlog.length && !this.waitingForDrain && !this.closed) this.deliver(this.backlog[this.backlogAt++]!);
    if (this.backlogAt >= this.backlog.length) {
      this.backlog = [];
      this.backlogAt = 0;
    }
  }

  private deliver(e: SseEnvelope): void {
    if (this.batched) return this.sendBatched(e);
    if (!this.wants(e)) return;
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
    this.backlog = [];
    this.pending = [];
    this.outgoing = [];
    this.outgoingBytes = 0;
    if (this.timer) clearTimeout(this.timer);
    if (this.outgoingTimer) clearTimeout(this.outgoingTimer);
    this.timer = null;
    this.outgoingTimer = null;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  private sendBatched(e: SseEnvelope): void {
    // Which requests wrote output, whether or not this client shows output (two generations bound the memory).
    if (e.type === 'output' && e.data.requestId && (!this.options.apps || (e.appId !== null && this.options.apps.includes(e.appId)))) {
      this.withOutput.add(e.data.requestId);
      if (this.withOutput.size > 4096) {
        this.withOutputOld = this.withOutput;
        this.withOutput = new Set();
      }
    }
    if (!this.wants(e)) return;
    if (e.type === 'access') {
      this.counts.seen++;
      // Filtered out: never serialised.
      if (this.accessFilter && !this.accessFilter(e.data)) return;
      this.counts.matched++;
      if (this.countOnly) return this.scheduleBatch();
      if (!this.passesSampling(e.data)) return;
      this.counts.sent++;
    }
    const json = envelopeJson(e);
    this.pending.push(json);
    this.pendingBytes += json.length;
    if (e.type !== 'dropped') this.pendingLastId = e.id;
    if (this.pendingBytes >= MAX_BATCH_BYTES) {
      if (this.timer) clearTimeout(this.timer);
      return this.flushBatch();
    }
    this.scheduleBatch();
  }

  private scheduleBatch(): void {
    this.timer ??= setTimeout(() => this.flushBatch(), this.intervalMs);
  }

  private passesSampling(a: AccessRecord): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      // The next second samples by this one's rate: 1 in ceil(rate / what the client can show).
      const rate = (this.windowMatched * 1000) / Math.max(1000, now - this.windowStart);
      this.oneIn = rate > this.maxRate ? Math.ceil(rate / this.maxRate) : 1;
      this.windowStart = now;
      this.windowMatched = 0;
    }
    this.windowMatched++;
    if (this.oneIn === 1) return true;
    if (a.status >= 400 || a.durationMs >= this.slowMs || this.withOutput.has(a.requestId) || this.withOutputOld.has(a.requestId)) return true;
    if (++this.skip >= this.oneIn) {
      this.skip = 0;
      return true;
    }
    return false;
  }

  private flushBatch(): void {
    this.timer = null;
    if (this.closed) return;
    const { seen, matched, sent } = this.counts;
    const counts: SseBatch['access'] = { seen, matched, sent, sampleOneIn: this.oneIn };
    this.counts = { seen: 0, matched: 0, sent: 0 };
    if (this.pending.length === 0 && seen === 0) return;
    // Hand-joined: each envelope's JSON was made once for every client.
    const data = `{"events":[${this.pending.join(',')}],"access":${JSON.stringify(counts)}}`;
    this.pending = [];
    this.pendingBytes = 0;
    this.enqueue(this.pendingLastId, `${this.pendingLastId > 0 ? `id: ${this.pendingLastId}\n` : ''}event: batch\ndata: ${data}\n\n`);
  }

  private enqueue(id: number, frame: string): void {
    this.lastQueuedId = Math.max(this.lastQueuedId, id);
    if (!this.waitingForDrain && this.buffer.length === 0) {
      if (this.batched || this.coalesceMs <= 0) return this.write(frame);
      this.outgoing.push(frame);
      this.outgoingBytes += frame.length;
      // A burst goes out once it is worth a write; past that the socket's back-pressure decides as before.
      if (this.outgoingBytes >= MAX_BATCH_BYTES) {
        if (this.outgoingTimer) clearTimeout(this.outgoingTimer);
        return this.writeOutgoing();
      }
      this.outgoingTimer ??= setTimeout(this.writeOutgoing, this.coalesceMs);
      return;
    }
    this.buffer.push({ id, frame });
    this.bufferedBytes += frame.length;
    if (this.bufferedBytes + (this.sink.writableLength ?? 0) > this.maxBufferedBytes) return this.disconnect();
    if (!this.batched && this.buffer.length > this.maxBuffered) {
      const lost = this.buffer.shift()!;
      this.bufferedBytes -= lost.frame.length;
      this.dropped = this.dropped ? { count: this.dropped.count + 1, fromId: this.dropped.fromId, toId: lost.id } : { count: 1, fromId: lost.id, toId: lost.id };
    }
  }

  private readonly writeOutgoing = (): void => {
    this.outgoingTimer = null;
    if (this.closed || this.outgoing.length === 0) return;
    const chunk = this.outgoing.length === 1 ? this.outgoing[0]! : this.outgoing.join('');
    this.outgoing = [];
    this.outgoingBytes = 0;
    this.write(chunk);
  };

  /** A client that does not read: stop holding anything for it; it reconnects with its Last-Event-ID. */
  private disconnect(): void {
    const resumeAfter = this.buffer[0] ? this.buffer[0].id - 1 : this.lastQueuedId;
    this.overBudgetAt = resumeAfter;
    this.close();
    this.sink.destroy?.();
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
    while (this.buffer.length > 0 && !this.waitingForDrain) {
      const next = this.buffer.shift()!;
      this.bufferedBytes -= next.frame.length;
      this.write(next.frame);
    }
    this.pump();
  }
}
