// One app's live logs while its detail screen is open: the access log and the output, each a capped
// RowStore fed by the app's own event stream. The history page is loaded first; stream entries that
// arrive meanwhile are held back and then added if newer, so nothing shows twice and nothing is lost.
import type { ApiClient } from '../../../server-core/src/control/client';
import type { AccessRecord, EventRecord, OutputPage, OutputRecord, SseEnvelope } from '../api/contract';
import type { StreamState } from '../api/event-stream';
import { subscribeLiveEvents, type BatchQuery, type LiveEvents } from '../api/live-events';
import { ExternalStore } from './external-store';
import { LiveCounter, NO_LIVE_COUNTS, type BatchCounts, type LiveCounts } from './live-counts';
import { RowStore } from './row-store';
import { ServedTally } from './served-count';

const TABLE_CAP = 10_000;
const HISTORY_LIMIT = 2000;
/**
 * Access entries per second a table can hold on to; above it the server samples (ordinary requests only). What the
 * browser pays is mostly the updates (LIVE_UPDATE_MS), not the rows: 1,000 a second cost the same Chromium CPU as
 * 200 (docs/performance.md), and a burst stays whole in the table.
 */
const SHOWABLE_RATE = 1000;
/** A page of older output is at most this big (its lines' text plus 128 each): a jump back loads it a page at a time. */
const OUTPUT_PAGE_BYTES = 1024 * 1024;
/** Least time between two updates of a live table under sustained traffic (see RowStoreOptions.minIntervalMs). */
const LIVE_UPDATE_MS = 200;
/**
 * Faster than the Requests table can show (about a screenful of rows per update and more), it updates every
 * BUSY_UPDATE_MS instead (RowStoreOptions.busy): every update replaces all the visible rows anyway, and each costs
 * the browser the same, so 2 updates a second instead of 5 halve what watching costs Chromium (docs/performance.md).
 */
const BUSY_ROWS_PER_SECOND = 100;
const BUSY_UPDATE_MS = 500;

export interface LiveMeta {
  readonly stream: StreamState;
  readonly loaded: boolean;
  readonly error: string | null;
  /** Events the server said we missed (slow client or a gap on resume). */
  readonly missed: number;
  /** App events (crash, timeout, reload…), newest last, for the Output tab. */
  readonly events: readonly EventRecord[];
  /** Paging cursor for older access entries (null: nothing older in the server's buffer). */
  readonly olderAccess: number | null;
  readonly loadingOlder: boolean;
  /** Over the last second of the stream: access entries that happened, matched the filters, were sent. */
  readonly live: LiveCounts;
  /** What lies before the oldest output line held (the Output tab's "Load older lines"). */
  readonly olderOutput: OlderOutput;
  readonly loadingOlderOutput: boolean;
}

/**
 * What lies before the oldest output line held: `unknown` until the history is in; `more`, the Host keeps older
 * lines; `start`, the oldest line held is the oldest the Host keeps, and `notKept` lines written before it fell off
 * its history; `full`, the log holds as many lines as it can.
 */
type OlderOutput =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'more' }
  | { readonly kind: 'start'; readonly notKept: number }
  | { readonly kind: 'full'; readonly cap: number };

/** What a page's `kept` says lies before `first`, the oldest line held (seqs are per app and without gaps). */
function olderThan(kept: OutputPage['kept'], first: OutputRecord | undefined): OlderOutput {
  if (first === undefined) return { kind: 'start', notKept: kept.evicted };
  if (first.seq > kept.oldestSeq) return { kind: 'more' };
  // Lines after `first` may have fallen off too since it was loaded: they are held here, so not counted.
  return { kind: 'start', notKept: Math.max(0, kept.evicted - (kept.oldestSeq - first.seq)) };
}

/** What the Requests table wants from the stream: rows (with the filters the server can apply) or counts only. */
export interface AccessView {
  readonly mode: 'rows' | 'count';
  readonly filter: Pick<BatchQuery, 'status' | 'method' | 'path' | 'minDurationMs'>;
}

/**
 * Least time between two batches of a stream that carries counts only (a paused or hidden Requests table, another
 * tab than Requests or Output): the served count and "Resume (N new)" then repaint once a second instead of with
 * every 200 ms batch, each a frame of Chromium's beside the app (docs/performance.md, "Watching"). The first event
 * after a quiet spell still goes out at once.
 */
const COUNTS_UPDATE_MS = 1000;

/** The batch settings of the screen's stream, for what its tables show. */
export function liveBatch(view: AccessView, outputShown: boolean): BatchQuery {
  return {
    maxRate: SHOWABLE_RATE,
    access: view.mode,
    columns: '1',
    // Batches no more often than the tables update: the same rows, in a quarter of the messages.
    minIntervalMs: view.mode === 'count' && !outputShown ? COUNTS_UPDATE_MS : LIVE_UPDATE_MS,
    ...view.filter,
  };
}

/**
 * How far back a jump to a time could reach in the output: `held`, every line the Host keeps from that time on is
 * in the log now (or the log already held older lines); `not-kept`, the time is older than the oldest line kept
 * (lines fell off the Host's history, whose bounds `kept` gives); `full`, the log holds as many lines as it can;
 * `stale`, the log was reloaded meanwhile.
 */
export type OutputReach =
  | { readonly kind: 'held' }
  | { readonly kind: 'not-kept'; readonly oldestTime: number; readonly kept: OutputPage['kept'] }
  | { readonly kind: 'full'; readonly cap: number }
  | { readonly kind: 'stale' };

type Seqd = { readonly seq: number };

/**
 * Holds stream items until the history is in, then forwards those newer than it. A stream resumed with
 * Last-Event-ID (a table that showed counts only and shows rows again) may replay entries the history holds after
 * it opened: those are dropped until the first newer one. After that everything passes: a lower seq then means the
 * server restarted and numbers from zero again (those entries are new, not duplicates).
 */
export class Gate<T extends Seqd> {
  private held: T[] | null = [];
  /** After opening: stream items up to this seq repeat the history (a resumed stream replaying), until a newer one. */
  private floor: number | null = null;
  /** resumed: the stream feeding this gate was resumed with Last-Event-ID, so it may replay the history's entries. */
  constructor(
    private readonly store: Pick<RowStore<T>, 'push' | 'reset'>,
    private readonly resumed = false,
  ) {}
  push(item: T): void {
    if (this.held) return void this.held.push(item);
    if (this.floor !== null) {
      if (item.seq <= this.floor) return;
      this.floor = null;
    }
    this.store.push([item]);
  }
  open(history: readonly T[]): void {
    this.store.reset(history);
    const lastSeq = history.length ? history[history.length - 1]!.seq : -1;
    const held = this.held ?? [];
    this.held = null;
    const fresh = held.filter((item) => item.seq > lastSeq);
    this.floor = this.resumed && fresh.length === 0 ? lastSeq : null;
    if (fresh.length) this.store.push(fresh);
  }
}

function sameFilter(a: AccessView['filter'], b: AccessView['filter']): boolean {
  return (
    (a.status ?? []).join() === (b.status ?? []).join() &&
    (a.method ?? []).join() === (b.method ?? []).join() &&
    (a.path ?? '') === (b.path ?? '') &&
    (a.minDurationMs ?? 0) === (b.minDurationMs ?? 0)
  );
}

export class AppLiveData {
  readonly access = new RowStore<AccessRecord>({
    cap: TABLE_CAP,
    minIntervalMs: LIVE_UPDATE_MS,
    busy: { rowsPerSecond: BUSY_ROWS_PER_SECOND, intervalMs: BUSY_UPDATE_MS },
  });
  readonly output = new RowStore<OutputRecord>({ cap: TABLE_CAP, minIntervalMs: LIVE_UPDATE_MS });
  readonly meta = new (class extends ExternalStore<LiveMeta> {
    update(p: Partial<LiveMeta>) {
      this.set({ ...this.state, ...p });
    }
  })({
    stream: 'connecting',
    loaded: false,
    error: null,
    missed: 0,
    events: [],
    olderAccess: null,
    loadingOlder: false,
    live: NO_LIVE_COUNTS,
    olderOutput: { kind: 'unknown' },
    loadingOlderOutput: false,
  });

  /** Requests served, exactly, as of the last batch (state/served-count.ts): repainted with the table's updates. */
  readonly served = new ServedTally(this.access);

  /** The toolbar's counts of a batch, held for the table's update (see count()). */
  private liveCounter = new LiveCounter();
  private heldLive: LiveCounts | null = null;

  private accessGate = new Gate(this.access);
  private outputGate = new Gate(this.output);

  constructor(
    private readonly client: ApiClient,
    readonly appId: string,
  ) {
    // Subscribed before any view: counts held for the table's update reach the screen in the same commit as its rows.
    this.access.subscribe(() => {
      if (this.heldLive === null) return;
      const live = this.heldLive;
      this.heldLive = null;
      this.meta.update({ live });
    });
  }

  // Until a Requests table says what it shows, the stream only counts access entries; until the Output tab is
  // shown, no output is sent.
  private accessView: AccessView = { mode: 'count', filter: {} };
  private outputShown = false;
  private outputGeneration = 0;
  private stream: LiveEvents | null = null;
  private accessGeneration = 0;

  /** Starts the stream and loads history; returns the stop function. */
  start(): () => void {
    this.subscribe(null);
    void this.loadHistory();
    return () => {
      this.stream?.();
      this.stream = null;
    };
  }

  /**
   * Tells the stream what the table shows. Rows that were only counted (or filtered differently on the server)
   * are fetched again as history, so the table is whole when it shows rows again.
   */
  setAccessView(view: AccessView): void {
    const before = this.accessView;
    if (before.mode === view.mode && sameFilter(before.filter, view.filter)) return;
    this.accessView = view;
    if (!this.stream) return;
    const reload = view.mode === 'rows' && this.meta.getSnapshot().loaded;
    if (reload) {
      this.accessGate = new Gate(this.access, true);
      this.accessGeneration++; // a page of older rows still loading belongs to the old view
      this.meta.update({ olderAccess: null, loadingOlder: false }); // the reload brings the new view's cursor
    }
    this.resubscribe();
    if (reload) void this.reloadAccess();
    if (view.mode === 'rows') this.meta.update({ live: { ...this.meta.getSnapshot().live, unshown: 0 } });
  }

  /**
   * Tells the stream whether the Output tab is on screen. Hidden, no output is sent (nor serialised); shown again,
   * the output log is fetched again as history, so it is whole.
   */
  setOutputShown(shown: boolean): void {
    if (this.outputShown === shown) return;
    this.outputShown = shown;
    if (!this.stream) return;
    const reload = shown && this.meta.getSnapshot().loaded;
    if (reload) {
      this.outputGate = new Gate(this.output, true);
      this.outputGeneration++;
    }
    this.resubscribe();
    if (reload) void this.reloadOutput();
  }

  /** The same stream with other settings, resumed where the last one was (nothing lost, nothing repeated). */
  private resubscribe(): void {
    const resume = this.stream!.lastEventId();
    this.stream!();
    this.subscribe(resume);
  }

  private subscribe(lastEventId: string | null): void {
    this.stream = subscribeLiveEvents(this.client, {
      apps: [this.appId],
      // metrics: each sample heads a batch, so it and the access counts after it say how many requests were served.
      types: this.outputShown ? ['access', 'output', 'app-event', 'metrics', 'dropped'] : ['access', 'app-event', 'metrics', 'dropped'],
      batch: liveBatch(this.accessView, this.outputShown),
      lastEventId,
      onState: (stream) => this.meta.update({ stream }),
      onEvent: (env) => this.apply(env),
      onBatch: (c) => this.count(c),
      // After the frame's rows went to the table: the count shows with the table's update, or now if none is coming.
      onFrameEnd: () => this.served.settle(),
    });
  }

  private count(c: BatchCounts): void {
    this.served.count(c.seen);
    const shown = this.heldLive ?? this.meta.getSnapshot().live;
    const u = this.liveCounter.next(shown, c, this.accessView.mode === 'count', Date.now());
    if (!u) return;
    // The once-a-second rates ride the table's next update when one is coming (one commit, one frame); sampling
    // starting or stopping and the paused "N new" show at once.
    if (!u.urgent && this.access.updateScheduled) {
      this.heldLive = u.live;
      return;
    }
    this.heldLive = null;
    this.meta.update({ live: u.live });
  }

  private async reloadAccess(): Promise<void> {
    const f = this.accessView.filter;
    const generation = this.accessGeneration;
    try {
      const page = await this.client.call('access', { params: { id: this.appId }, query: { limit: HISTORY_LIMIT, ...f } });
      if (generation !== this.accessGeneration) return; // a newer view reloads its own
      this.accessGate.open(page.items.slice().reverse());
      this.meta.update({ olderAccess: page.nextBefore });
    } catch (e) {
      this.accessGate.open([]);
      this.meta.update({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  private async reloadOutput(): Promise<void> {
    const generation = this.outputGeneration;
    try {
      const page = await this.client.call('output', { params: { id: this.appId }, query: { limit: HISTORY_LIMIT } });
      if (generation !== this.outputGeneration) return;
      this.outputGate.open(page.items.slice().reverse());
      this.meta.update({ olderOutput: olderThan(page.kept, this.output.getSnapshot().rows[0]) });
    } catch (e) {
      this.outputGate.open([]);
      this.meta.update({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  async loadHistory(): Promise<void> {
    const id = this.appId;
    try {
      const [access, output, events] = await Promise.all([
        this.client.call('access', { params: { id }, query: { limit: HISTORY_LIMIT, ...this.accessView.filter } }),
        this.client.call('output', { params: { id }, query: { limit: HISTORY_LIMIT } }),
        this.client.call('events', { params: { id }, query: { limit: 200 } }),
      ]);
      // Pages come newest first; the tables show oldest at the top.
      this.accessGate.open(access.items.slice().reverse());
      this.outputGate.open(output.items.slice().reverse());
      this.meta.update({
        loaded: true,
        error: null,
        events: events.items.slice().reverse(),
        olderAccess: access.nextBefore,
        olderOutput: olderThan(output.kept, this.output.getSnapshot().rows[0]),
      });
    } catch (e) {
      this.accessGate.open([]);
      this.outputGate.open([]);
      this.meta.update({ loaded: true, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Loads the page of access entries before the oldest shown; returns how many were added (0: the table is full). */
  async loadOlderAccess(limit = 1000): Promise<number> {
    const { olderAccess, loadingOlder } = this.meta.getSnapshot();
    if (olderAccess === null || loadingOlder) return 0;
    this.meta.update({ loadingOlder: true });
    const generation = this.accessGeneration;
    try {
      const page = await this.client.call('access', {
        params: { id: this.appId },
        query: { before: olderAccess, limit, ...this.accessView.filter },
      });
      if (generation !== this.accessGeneration) {
        this.meta.update({ loadingOlder: false });
        return 0;
      }
      const added = this.access.prepend(page.items.slice().reverse());
      this.meta.update({ loadingOlder: false, olderAccess: added === page.items.length ? page.nextBefore : olderAccess });
      return added;
    } catch (e) {
      this.meta.update({ loadingOlder: false, error: e instanceof Error ? e.message : String(e) });
      return 0;
    }
  }

  /**
   * Puts in front of the lines held the output the Host still keeps from `time` on (a jump to a time before the
   * oldest line held), a page of at most OUTPUT_PAGE_BYTES at a time, and says how far that reached.
   */
  loadOutputSince(time: number): Promise<OutputReach> {
    // One at a time: two jumps paging back from the same oldest line would put the same lines in front twice.
    const next = this.outputLoad.then(() => this.pageOutputBack(time));
    this.outputLoad = next.catch(() => undefined);
    return next;
  }

  /**
   * Puts the page of output before the oldest line held in front of it (HISTORY_LIMIT lines, at most
   * OUTPUT_PAGE_BYTES); returns how many lines were added (0: nothing older is kept, or the log is full).
   * Queued with the jumps (loadOutputSince), so the same lines are never put in front twice.
   */
  loadOlderOutput(): Promise<number> {
    const next = this.outputLoad.then(async () => {
      if (this.meta.getSnapshot().olderOutput.kind !== 'more') return 0;
      this.meta.update({ loadingOlderOutput: true });
      try {
        const r = await this.outputPageBack({ limit: HISTORY_LIMIT });
        return r === 'stale' ? 0 : r.added;
      } catch (e) {
        this.meta.update({ error: e instanceof Error ? e.message : String(e) });
        return 0;
      } finally {
        this.meta.update({ loadingOlderOutput: false });
      }
    });
    this.outputLoad = next.catch(() => undefined);
    return next;
  }

  private outputLoad: Promise<unknown> = Promise.resolve();

  /**
   * One page of output before the oldest line held (all of it when nothing is held), put in front of the lines
   * held; the one home of paging output back, for "Load older lines" and for jumps. Updates `olderOutput`.
   */
  private async outputPageBack(query: {
    readonly since?: number;
    readonly limit: number;
  }): Promise<'stale' | { readonly page: OutputPage; readonly added: number; readonly full: boolean }> {
    const generation = this.outputGeneration;
    const first = this.output.getSnapshot().rows[0];
    const page = await this.client.call('output', {
      params: { id: this.appId },
      query: { ...query, maxBytes: OUTPUT_PAGE_BYTES, ...(first ? { before: first.seq } : {}) },
    });
    if (generation !== this.outputGeneration) return 'stale';
    const older = page.items.slice().reverse();
    const added = this.output.prepend(older);
    const full = added < older.length;
    this.meta.update({
      olderOutput: full ? { kind: 'full', cap: this.output.cap } : olderThan(page.kept, this.output.getSnapshot().rows[0]),
    });
    return { page, added, full };
  }

  private async pageOutputBack(time: number): Promise<OutputReach> {
    let kept: OutputPage['kept'] | null = null;
    for (;;) {
      const first = this.output.getSnapshot().rows[0];
      if (first !== undefined && first.time < time) return { kind: 'held' };
      const r = await this.outputPageBack({ since: time, limit: 5000 });
      if (r === 'stale') return { kind: 'stale' };
      kept = r.page.kept;
      if (r.full) return { kind: 'full', cap: this.output.cap };
      if (r.page.nextBefore === null) break;
    }
    // Every line kept from `time` on is held. If the oldest held is the oldest kept (or older) and lines fell off
    // before it, what was written at `time` is gone: say so, rather than land on the oldest line as if it were it.
    const first = this.output.getSnapshot().rows[0];
    if (first !== undefined && first.time > time && kept.evicted > 0 && first.seq <= kept.oldestSeq)
      return { kind: 'not-kept', oldestTime: first.time, kept };
    return { kind: 'held' };
  }

  private apply(env: SseEnvelope): void {
    switch (env.type) {
      case 'access':
        this.accessGate.push(env.data);
        break;
      case 'output':
        this.outputGate.push(env.data);
        break;
      case 'app-event': {
        const events = this.meta.getSnapshot().events;
        this.meta.update({ events: [...events.slice(-499), env.data] });
        break;
      }
      case 'metrics':
        // Handed out before its batch's counts (api/live-events.ts), which all came after it.
        this.served.sample(env.data);
        break;
      case 'dropped':
        this.meta.update({ missed: this.meta.getSnapshot().missed + env.data.count });
        break;
      default:
        break;
    }
  }
}
