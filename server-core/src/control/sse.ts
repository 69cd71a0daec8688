// One server-sent-events client: ordered frames with ids, heartbeats, and a budget. Two shapes:
// - plain (the default): one frame per event, the frames of each short interval in one write.
// - batched (?batch=1, the UI): the events of one frame-sized interval go out as one `batch` frame; access entries
//   the client filters out (or only counts: a paused or hidden table) are never serialised; above the rate the
//   client can show, access entries are sampled — errors, slow requests and requests that wrote output always
//   pass — with the true counts in the frame.
// Nothing is queued per client. A client reads the Host's ring through a cursor: live events go straight out while
// its socket takes them; once the socket is full it stops looking at events at all (a stalled subscriber costs an
// app nothing per request) and, when the socket drains, catches up from the ring as fast as the socket takes it.
// A client that stops reading while more than its byte budget piles up (or that falls off the ring) is
// disconnected: it resumes with Last-Event-ID.
import { accessFilter } from '../logging/access-filter.js';
import { encodeAccessColumns } from './access-columns.js';
import { encodeOutputColumns, type OutputRow } from './output-columns.js';
import type { AccessRecord, EventsQuery, SseBatch, SseEnvelope, SseType } from './contract.js';
import { releaseTally, retainTally, type OwedTally } from './owed-tally.js';

export interface SseSink {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Bytes the socket already holds (node's writableLength). */
  readonly writableLength?: number;
  /** Ends the connection (a client over its budget). */
  destroy?(): unknown;
}

/** Where a client reads events from when it is behind: the Host's EventHub. */
export interface SseSource {
  readonly latestId: number;
  since(afterId: number, limit?: number): { events: readonly SseEnvelope[]; missed: { fromId: number; toId: number } | null };
  /** Live events (the hub's own subscription): lets plain clients with the same filters share one (LiveGroup). */
  subscribe?(listener: (e: SseEnvelope) => void): () => void;
}

export interface SseClientOptions {
  /** Most bytes of events a client that does not read may leave behind before it is disconnected. */
  readonly maxBufferedBytes?: number;
  readonly apps?: readonly string[];
  readonly types?: readonly SseType[];
  /**
   * Plain streams: frames that arrive within this many ms go out in one write (0: each at once). One write per
   * event per subscriber was a syscall per request per subscriber — what many idle subscribers cost an app.
   */
  readonly coalesceMs?: number;
  /** Batched stream settings (see eventsQuerySchema). */
  readonly batch?: Pick<
    EventsQuery,
    'maxRate' | 'slowMs' | 'access' | 'status' | 'method' | 'minDurationMs' | 'path' | 'columns' | 'minIntervalMs'
  > & {
    readonly intervalMs?: number;
  };
}

const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Sampling lets a burst of this many seconds of the client's rate through whole (the table holds 10,000 rows). */
const BURST_SECONDS = 2;
const DEFAULT_BATCH_MS = 50;
const DEFAULT_COALESCE_MS = 50;
/** A batch (or a plain stream's coalesced write) this big goes out at once rather than waiting (a replay, a burst). */
const MAX_BATCH_BYTES = 64 * 1024;
/** Events read from the ring at a time while catching up. */
const PULL_CHUNK = 512;
/** How often a client whose socket is full is checked against its budget. */
const STALL_CHECK_MS = 250;
/** How long a subscriber over its budget may take nothing before it is cut off (a loaded box pauses readers). */
const STALL_GRACE_MS = 1000;
/** `id: N\nevent: T\ndata: ` and the blank line around an event's JSON. */
const FRAME_OVERHEAD = 40;

// One event goes to every connected client: serialise it once.
const serialised = new WeakMap<SseEnvelope, string>();

function envelopeJson(e: SseEnvelope): string {
  let json = serialised.get(e);
  if (json === undefined) serialised.set(e, (json = JSON.stringify(e)));
  return json;
}

function formatFrame(e: SseEnvelope, withId = true): string {
  return `${withId ? `id: ${e.id}\n` : ''}event: ${e.type}\ndata: ${envelopeJson(e)}\n\n`;
}

/**
 * An event's size on the wire, for a budget: exact when some client already serialised it, else estimated from its
 * strings — serialising every event only to measure what a stalled client is not reading was most of what the
 * stalled client still cost.
 */
function approxBytes(e: SseEnvelope): number {
  const json = serialised.get(e);
  if (json !== undefined) return json.length;
  switch (e.type) {
    case 'access': {
      const a = e.data;
      return 420 + a.path.length + a.query.length + a.userAgent.length + a.referer.length + a.requestId.length + a.remoteAddr.length;
    }
    case 'output':
      return 220 + e.data.text.length;
    case 'notice':
      return 160 + e.data.message.length;
    default:
      return envelopeJson(e).length;
  }
}

/**
 * Plain clients with the same filters get the same events in the same interval (live delivery is one synchronous
 * pass over every client): the bytes of that write are made once and handed to each socket. Framing, joining and
 * encoding per client was most of what many subscribers cost, and the garbage it left.
 */
let lastChunk: {
  readonly key: string;
  readonly first: SseEnvelope;
  readonly last: SseEnvelope;
  readonly count: number;
  readonly bytes: Buffer;
} | null = null;

function sharedChunk(key: string, events: readonly SseEnvelope[]): Buffer {
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const c = lastChunk;
  // Ids are dense and in order, so the same first and last event, count and filters mean the same events. (A
  // client's own `dropped` notice is an object of its own: never shared.)
  if (c && c.key === key && c.first === first && c.last === last && c.count === events.length) return c.bytes;
  let text = '';
  for (const e of events) text += formatFrame(e, e.type !== 'dropped');
  const bytes = Buffer.from(text);
  lastChunk = { key, first, last, count: events.length, bytes };
  return bytes;
}

/**
 * Plain clients that are caught up, with the same filters and interval, take live events as one group: the group is
 * subscribed to the source once, collects each interval's events once and hands the same bytes to every member. Per
 * event that is one step for the group instead of one per subscriber — what 64 subscribers (reading or not, until
 * their sockets fill) cost an app per request. A member whose socket fills, or that closes, leaves; it catches up
 * from the ring on its own and joins again.
 */
class LiveGroup {
  private readonly members = new Set<SseClient>();
  private unsubscribe: (() => void) | null = null;
  /** The last event the group dealt with (sent or filtered out). */
  private seen = 0;
  private outgoing: SseEnvelope[] = [];
  private outgoingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly source: SseSource & Required<Pick<SseSource, 'subscribe'>>,
    /** Its entry in liveGroups: the filters and the interval. */
    private readonly key: string,
    private readonly wants: (e: SseEnvelope) => boolean,
    private readonly coalesceMs: number,
  ) {}

  /** `client` is caught up to the latest event (nothing of it waits to be written): it takes live events from here. */
  join(client: SseClient): void {
    if (this.unsubscribe === null) {
      this.seen = this.source.latestId;
      this.unsubscribe = this.source.subscribe(this.onEvent);
    }
    this.members.add(client);
  }

  leave(client: SseClient): void {
    this.members.delete(client);
    if (this.members.size === 0) this.stop();
  }

  private stop(): void {
    liveGroups.get(this.source)?.delete(this.key);
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.outgoing = [];
    this.outgoingBytes = 0;
  }

  private readonly onEvent = (e: SseEnvelope): void => {
    // Subscribed during this event's publication (a member caught up to it and joined): it has it already.
    if (e.id <= this.seen) return;
    if (e.id !== this.seen + 1) {
      // Not the next one (a restarted numbering, a missed publish): every member reads from the ring, which knows.
      this.flush();
      for (const m of [...this.members]) m.leaveGroup(true);
      return;
    }
    this.seen = e.id;
    if (!this.wants(e)) return;
    this.outgoing.push(e);
    this.outgoingBytes += approxBytes(e) + FRAME_OVERHEAD;
    if (this.outgoingBytes >= MAX_BATCH_BYTES) {
      if (this.timer) clearTimeout(this.timer);
      return this.flush();
    }
    this.timer ??= setTimeout(this.flush, this.coalesceMs);
  };

  private readonly flush = (): void => {
    this.timer = null;
    const out = this.outgoing;
    this.outgoing = [];
    this.outgoingBytes = 0;
    for (const m of [...this.members]) {
      // A member that joined during the interval has had the events up to where it joined already.
      let from = 0;
      while (from < out.length && out[from]!.id <= m.position) from++;
      m.takeLive(from === 0 ? out : out.slice(from), this.seen);
    }
  };
}

const liveGroups = new WeakMap<SseSource, Map<string, LiveGroup>>();

function liveGroup(source: SseSource, options: SseClientOptions, filterKey: string, coalesceMs: number): LiveGroup | null {
  if (!source.subscribe || coalesceMs <= 0) return null;
  let bySource = liveGroups.get(source);
  if (!bySource) liveGroups.set(source, (bySource = new Map()));
  const key = `${filterKey}|${coalesceMs}`;
  let g = bySource.get(key);
  if (!g) {
    const wants = (e: SseEnvelope): boolean => wantsEvent(options, e);
    bySource.set(key, (g = new LiveGroup(source as SseSource & Required<Pick<SseSource, 'subscribe'>>, key, wants, coalesceMs)));
  }
  return g;
}

/** The `apps` and `types` filters of a stream. */
function wantsEvent(options: Pick<SseClientOptions, 'apps' | 'types'>, e: SseEnvelope): boolean {
  if (e.type === 'dropped') return true;
  if (options.types && !options.types.includes(e.type)) return false;
  if (options.apps && e.appId !== null && !options.apps.includes(e.appId)) return false;
  return true;
}

/** A tally's filter (a copy: the tally outlives the subscriber that made it) and what it counts per event. */
function tallyWants(options: Pick<SseClientOptions, 'apps' | 'types'>): (e: SseEnvelope) => boolean {
  const filters = { apps: options.apps, types: options.types };
  return (e) => wantsEvent(filters, e);
}
const tallyBytes = (e: SseEnvelope): number => approxBytes(e) + FRAME_OVERHEAD;

export class SseClient {
  private closed = false;
  private waitingForDrain = false;
  /** The last event this client has dealt with (sent, batched, filtered out or counted). */
  private cursor = 0;
  /** True while the client must read from the ring rather than take live events (a resume, a full socket). */
  private behind = true;
  private resuming = false;
  /** The id the client can resume after: the last event in a frame handed to the socket. */
  private writtenId = 0;
  readonly maxBufferedBytes: number;
  /** Set when the client was disconnected for not reading: the id it can resume after. */
  overBudgetAt: number | null = null;
  // While the socket is full: what has piled up since (checked on a timer, not per event).
  private stallTimer: ReturnType<typeof setInterval> | null = null;
  private owedBytes = 0;
  private owedScanned = 0;
  /** Plain streams: what is owed since owedFrom, added up once for every stalled subscriber with the same filters. */
  private tally: OwedTally | null = null;
  private owedFrom = 0;
  /** The latest event when the client connected: what it resumes through before that is not held against it. */
  private startedAtId = 0;
  /** Plain streams, caught up: the group it takes live events with (null: on its own). */
  private group: LiveGroup | null = null;
  /** The socket's unsent bytes at the last look: fewer now means the client is reading. */
  private lastBuffered = 0;
  private lastProgressAt = 0;

  // Plain streams: frames coalesced into one write.
  private readonly coalesceMs: number;
  private readonly filterKey: string;
  private outgoing: SseEnvelope[] = [];
  private outgoingBytes = 0;
  private outgoingLastId = 0;
  private outgoingTimer: ReturnType<typeof setTimeout> | null = null;

  // Batched streams.
  private readonly batched: boolean;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** columns=1: the interval's access entries, encoded by column at the flush (after sampling: at most maxRate/s). */
  private readonly columns: boolean;
  private pendingAccess: { id: number; appId: string | null; data: AccessRecord }[] = [];
  /** columns=1: the interval's output lines, encoded by column at the flush (output-columns.ts). */
  private pendingOutput: OutputRow[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly intervalMs: number;
  /** Least time between two batches under sustained traffic (EventsQuery.minIntervalMs), and when the last went. */
  private readonly minIntervalMs: number;
  private lastBatchAt = -Infinity;
  private readonly accessFilter: ((a: AccessRecord) => boolean) | null;
  private readonly countOnly: boolean;
  private readonly maxRate: number;
  private readonly slowMs: number;
  private counts = { seen: 0, matched: 0, sent: 0 };
  /**
   * Sampling is a token bucket: ordinary entries pass while there is allowance (refilled at maxRate/s, holding up
   * to BURST_SECONDS of it), so a burst the table can hold arrives whole and a sustained rate above maxRate is
   * thinned evenly. One-second windows of ordinary entries seen and passed give the "1 in N" the frame reports.
   */
  private allowance: number;
  private allowanceAt = 0;
  private window = { start: 0, ordinary: 0, passed: 0 };
  private lastWindowOneIn = 1;
  /** Requests that wrote output recently (their access entry always passes sampling). */
  private withOutput = new Set<string>();
  private withOutputOld = new Set<string>();

  constructor(
    private readonly sink: SseSink,
    private readonly source: SseSource,
    private readonly options: SseClientOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.filterKey = `${options.apps?.join(',') ?? '*'}|${options.types?.join(',') ?? '*'}`;
    this.batched = options.batch !== undefined;
    this.intervalMs = options.batch?.intervalMs ?? DEFAULT_BATCH_MS;
    this.minIntervalMs = options.batch?.minIntervalMs ?? 0;
    this.accessFilter = options.batch ? accessFilter(options.batch) : null;
    this.countOnly = options.batch?.access === 'count';
    this.columns = options.batch?.columns === '1';
    this.maxRate = options.batch?.maxRate ?? 1000;
    this.allowance = this.maxRate * BURST_SECONDS;
    this.slowMs = options.batch?.slowMs ?? 500;
  }

  /**
   * Starts after `afterId` (a resume: what the ring holds after it goes out first, as the socket takes it, and a
   * `dropped` frame says what the ring no longer holds) or, without one, at the next event. Call it, then
   * subscribe `send` to the source, in one synchronous block so no event slips between them.
   */
  start(afterId?: number): void {
    this.startedAtId = this.source.latestId;
    this.cursor = this.writtenId = afterId ?? this.source.latestId;
    this.resuming = afterId !== undefined;
    this.pump();
  }

  wants(e: SseEnvelope): boolean {
    return wantsEvent(this.options, e);
  }

  /** A live event. Ignored while the client is behind: it reads the ring when its socket has room. */
  send(e: SseEnvelope): void {
    if (this.closed || this.behind || this.group !== null) return;
    if (e.id !== this.cursor + 1) {
      // Not the next one (a restarted numbering, a missed publish): read from the ring, which knows.
      this.behind = true;
      return this.pump();
    }
    this.consume(e);
  }

  comment(text: string): void {
    if (this.closed) return;
    // Heartbeats are only useful when the pipe is idle; skip when the socket is full.
    if (!this.waitingForDrain) this.write(`: ${text}\n\n`);
  }

  /** Writes raw text (retry:, initial comment) directly. */
  raw(text: string): void {
    if (!this.closed) this.write(text);
  }

  close(): void {
    this.closed = true;
    this.leaveGroup(false);
    this.pending = [];
    this.pendingAccess = [];
    this.pendingOutput = [];
    this.outgoing = [];
    this.outgoingBytes = 0;
    if (this.timer) clearTimeout(this.timer);
    if (this.outgoingTimer) clearTimeout(this.outgoingTimer);
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.timer = null;
    this.outgoingTimer = null;
    this.stallTimer = null;
    this.dropTally();
  }

  private dropTally(): void {
    if (this.tally) releaseTally(this.source, this.filterKey, this.tally);
    this.tally = null;
  }

  /** Reads from the ring until caught up (then takes live events again) or the socket is full. */
  private pump(): void {
    while (!this.closed && !this.waitingForDrain) {
      const { events, missed } = this.source.since(this.cursor, PULL_CHUNK);
      if (missed) {
        this.consume({
          id: missed.toId,
          type: 'dropped',
          appId: null,
          time: Date.now(),
          data: {
            count: missed.toId - missed.fromId + 1,
            fromId: missed.fromId,
            toId: missed.toId,
            reason: this.resuming ? 'resume-gap' : 'slow-client',
          },
        });
        this.cursor = missed.toId;
        continue;
      }
      if (events.length === 0) {
        this.resuming = false;
        if (!this.batched && this.coalesceMs > 0) {
          const group = liveGroup(this.source, { apps: this.options.apps, types: this.options.types }, this.filterKey, this.coalesceMs);
          if (group !== null) {
            // What the catch-up collected goes out first, so the group's frames follow it in order.
            if (this.outgoing.length > 0) {
              if (this.outgoingTimer) clearTimeout(this.outgoingTimer);
              this.writeOutgoing();
              if (this.closed || this.waitingForDrain) continue;
            }
            this.group = group;
            group.join(this);
          }
        }
        this.behind = false;
        return;
      }
      for (const e of events) {
        this.consume(e);
        if (this.closed || this.waitingForDrain) break;
      }
    }
    this.behind = true;
  }

  private consume(e: SseEnvelope): void {
    // A metrics sample starts a batch: the access counts beside it then all came after it, so the sample's count
    // plus those counts is the number of requests served, exactly, at every batch (renderer state/served-count.ts).
    // The batch before it goes out first, with the id of the last event before the sample (a resume repeats it).
    if (this.batched && e.type === 'metrics' && this.wants(e) && (this.counts.seen > 0 || this.pending.length > 0)) {
      if (this.timer) clearTimeout(this.timer);
      this.flushBatch();
    }
    if (e.type !== 'dropped') this.cursor = e.id;
    if (this.batched) return this.sendBatched(e);
    if (!this.wants(e)) return;
    this.enqueue(e);
  }

  /** What this client would be sent for `e` (sampling aside): what counts against its budget while it does not read. */
  private wouldSend(e: SseEnvelope): boolean {
    if (!this.wants(e)) return false;
    if (!this.batched || e.type !== 'access') return true;
    return !this.countOnly && (!this.accessFilter || this.accessFilter(e.data));
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
      if (this.columns) {
        this.pendingAccess.push({ id: e.id, appId: e.appId, data: e.data });
        this.pendingBytes += 200;
        if (this.pendingBytes >= MAX_BATCH_BYTES) {
          if (this.timer) clearTimeout(this.timer);
          return this.flushBatch();
        }
        return this.scheduleBatch();
      }
    }
    if (e.type === 'output' && this.columns) {
      this.pendingOutput.push({ id: e.id, appId: e.appId, data: e.data });
      this.pendingBytes += 40 + e.data.text.length;
      if (this.pendingBytes >= MAX_BATCH_BYTES) {
        if (this.timer) clearTimeout(this.timer);
        return this.flushBatch();
      }
      return this.scheduleBatch();
    }
    const json = envelopeJson(e);
    this.pending.push(json);
    this.pendingBytes += json.length;
    if (this.pendingBytes >= MAX_BATCH_BYTES) {
      if (this.timer) clearTimeout(this.timer);
      return this.flushBatch();
    }
    this.scheduleBatch();
  }

  private scheduleBatch(): void {
    if (this.timer) return;
    const wait = Math.max(this.intervalMs, this.lastBatchAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => this.flushBatch(), wait);
  }

  private passesSampling(a: AccessRecord): boolean {
    if (a.status >= 400 || a.durationMs >= this.slowMs || this.withOutput.has(a.requestId) || this.withOutputOld.has(a.requestId))
      return true;
    const now = Date.now();
    if (now - this.window.start >= 1000) {
      this.lastWindowOneIn = this.oneInOf(this.window);
      this.window = { start: now, ordinary: 0, passed: 0 };
    }
    this.allowance = Math.min(this.maxRate * BURST_SECONDS, this.allowance + ((now - this.allowanceAt) * this.maxRate) / 1000);
    this.allowanceAt = now;
    this.window.ordinary++;
    if (this.allowance < 1) return false;
    this.allowance--;
    this.window.passed++;
    return true;
  }

  private oneInOf(w: { ordinary: number; passed: number }): number {
    return w.passed < w.ordinary ? Math.max(2, Math.round(w.ordinary / Math.max(1, w.passed))) : 1;
  }

  /** What the frame says: this second's share once it thins anything (or is half over), else the last second's. */
  private get oneIn(): number {
    const w = this.window;
    return w.passed < w.ordinary || Date.now() - w.start >= 500 ? this.oneInOf(w) : this.lastWindowOneIn;
  }

  private flushBatch(): void {
    this.timer = null;
    if (this.closed) return;
    const { seen, matched, sent } = this.counts;
    const counts: SseBatch['access'] = { seen, matched, sent, sampleOneIn: this.oneIn };
    this.counts = { seen: 0, matched: 0, sent: 0 };
    if (this.pending.length === 0 && seen === 0 && this.pendingOutput.length === 0) return;
    // Hand-joined: each envelope's JSON was made once for every client.
    const columns = this.pendingAccess.length > 0 ? `,"accessColumns":${JSON.stringify(encodeAccessColumns(this.pendingAccess))}` : '';
    const output = this.pendingOutput.length > 0 ? `,"outputColumns":${JSON.stringify(encodeOutputColumns(this.pendingOutput))}` : '';
    const data = `{"events":[${this.pending.join(',')}],"access":${JSON.stringify(counts)}${columns}${output}}`;
    this.pending = [];
    this.pendingAccess = [];
    this.pendingOutput = [];
    this.pendingBytes = 0;
    // The id is the last event dealt with (sent, filtered out or counted): a resume after it repeats nothing.
    this.writtenId = this.cursor;
    this.lastBatchAt = Date.now();
    this.write(`id: ${this.cursor}\nevent: batch\ndata: ${data}\n\n`);
  }

  /** Where a group member is: the last event it has been handed (or that was filtered out for it). */
  get position(): number {
    return this.cursor;
  }

  /** A group's interval for this member: `events` (shared with the others, maybe none) and the last event dealt with. */
  takeLive(events: readonly SseEnvelope[], seen: number): void {
    if (this.closed || this.group === null) return;
    this.cursor = seen;
    if (events.length === 0) return;
    this.writtenId = events[events.length - 1]!.id;
    this.write(sharedChunk(this.filterKey, events));
  }

  /** Out of the group (closed, or its socket is full): it reads the ring from its cursor when it can. */
  leaveGroup(catchUp: boolean): void {
    const g = this.group;
    if (g === null) return;
    this.group = null;
    g.leave(this);
    if (catchUp && !this.closed) {
      this.behind = true;
      // After the publication that found the gap: a catch-up that rejoins must not do so inside it.
      queueMicrotask(() => {
        if (!this.closed && this.behind && !this.waitingForDrain) this.pump();
      });
    }
  }

  private enqueue(e: SseEnvelope): void {
    // A per-client notice (dropped) has no id of its own, so the client's Last-Event-ID stays on real events.
    if (e.type !== 'dropped') this.outgoingLastId = e.id;
    this.outgoing.push(e);
    // A burst (or a catch-up) goes out once it is worth a write. Sized like the budget sizes it: a flat guess for events
    // nobody serialised yet let a catch-up through big events put megabytes into one write, past the budget at once.
    this.outgoingBytes += approxBytes(e) + FRAME_OVERHEAD;
    if (this.outgoingBytes >= MAX_BATCH_BYTES || this.coalesceMs <= 0) {
      if (this.outgoingTimer) clearTimeout(this.outgoingTimer);
      return this.writeOutgoing();
    }
    this.outgoingTimer ??= setTimeout(this.writeOutgoing, this.coalesceMs);
  }

  private readonly writeOutgoing = (): void => {
    this.outgoingTimer = null;
    if (this.closed || this.outgoing.length === 0) return;
    const chunk = sharedChunk(this.filterKey, this.outgoing);
    this.outgoing = [];
    this.outgoingBytes = 0;
    if (this.outgoingLastId > 0) this.writtenId = this.outgoingLastId;
    this.write(chunk);
  };

  private write(chunk: string | Uint8Array): void {
    if (!this.sink.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.behind = true;
      this.leaveGroup(false);
      this.sink.once('drain', this.onDrain);
      this.owedBytes = 0;
      // What was published while it was connected and it has not been sent counts; not the backlog a resuming client
      // asked for (bounded by the ring: falling off it drops the client anyway). Counting that dropped a reading
      // client that resumed more than its budget behind as soon as its socket filled once.
      this.owedScanned = this.owedFrom = Math.max(this.cursor, this.startedAtId);
      if (!this.batched) this.tally = retainTally(this.source, this.filterKey, this.owedFrom, tallyWants(this.options), tallyBytes);
      this.lastBuffered = this.sink.writableLength ?? 0;
      this.lastProgressAt = Date.now();
      this.stallTimer ??= setInterval(this.checkStall, STALL_CHECK_MS);
      this.stallTimer.unref?.();
    }
  }

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    this.dropTally();
    if (!this.closed) this.pump();
  };

  /**
   * The socket is full: add up what this client would be sent since (each event's JSON is shared by all clients),
   * and disconnect it once that passes its budget, or once the ring no longer holds where it is.
   */
  private readonly checkStall = (): void => {
    if (this.closed || !this.waitingForDrain) return;
    if (this.source.since(this.cursor, 0).missed) return this.disconnect();
    const buffered = this.sink.writableLength ?? 0;
    if (buffered < this.lastBuffered) this.lastProgressAt = Date.now();
    this.lastBuffered = buffered;
    const budget = this.maxBufferedBytes - buffered;
    const owed = this.tally?.owedSince(this.owedFrom) ?? null;
    if (owed !== null) this.owedBytes = owed;
    else
      for (;;) {
        const { events } = this.source.since(this.owedScanned, PULL_CHUNK);
        if (events.length === 0) break;
        for (const e of events) if (this.wouldSend(e)) this.owedBytes += approxBytes(e) + FRAME_OVERHEAD;
        this.owedScanned = events[events.length - 1]!.id;
        if (this.owedBytes > budget) break;
      }
    // A client still taking bytes (one catching up on a backlog bigger than its budget) is kept: its socket's
    // unsent bytes went down lately. It is cut off once it has taken nothing for STALL_GRACE_MS.
    if (this.owedBytes > budget && Date.now() - this.lastProgressAt >= STALL_GRACE_MS) this.disconnect();
  };

  /** A client that does not read: stop holding anything for it; it reconnects with its Last-Event-ID. */
  private disconnect(): void {
    this.overBudgetAt = this.writtenId;
    this.close();
    this.sink.destroy?.();
  }
}
