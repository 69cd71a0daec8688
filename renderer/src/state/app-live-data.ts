// One app's live logs while its detail screen is open: the access log and the output, each a capped
// RowStore fed by the app's own event stream. The history page is loaded first; stream entries that
// arrive meanwhile are held back and then added if newer, so nothing shows twice and nothing is lost.
import type { ApiClient } from '../api/client';
import type { AccessRecord, EventRecord, OutputRecord, SseEnvelope } from '../api/contract';
import type { StreamState } from '../api/event-stream';
import { subscribeLiveEvents } from '../api/live-events';
import { ExternalStore } from './external-store';
import { RowStore } from './row-store';

export const TABLE_CAP = 10_000;
const HISTORY_LIMIT = 2000;

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
}

type Seqd = { readonly seq: number };

/**
 * Holds stream items until the history is in, then forwards those newer than it. After that everything
 * passes: the stream resumes with Last-Event-ID so it never repeats itself, and a lower seq means the
 * server restarted and numbers from zero again (those entries are new, not duplicates).
 */
export class Gate<T extends Seqd> {
  private held: T[] | null = [];
  constructor(private readonly store: Pick<RowStore<T>, 'push' | 'reset'>) {}
  push(item: T): void {
    if (this.held) this.held.push(item);
    else this.store.push([item]);
  }
  open(history: readonly T[]): void {
    this.store.reset(history);
    const lastSeq = history.length ? history[history.length - 1]!.seq : -1;
    const held = this.held ?? [];
    this.held = null;
    const fresh = held.filter((item) => item.seq > lastSeq);
    if (fresh.length) this.store.push(fresh);
  }
}

export class AppLiveData {
  readonly access = new RowStore<AccessRecord>({ cap: TABLE_CAP });
  readonly output = new RowStore<OutputRecord>({ cap: TABLE_CAP });
  readonly meta = new (class extends ExternalStore<LiveMeta> {
    update(p: Partial<LiveMeta>) {
      this.set({ ...this.state, ...p });
    }
  })({ stream: 'connecting', loaded: false, error: null, missed: 0, events: [], olderAccess: null, loadingOlder: false });

  private accessGate = new Gate(this.access);
  private outputGate = new Gate(this.output);

  constructor(
    private readonly client: ApiClient,
    readonly appId: string,
  ) {}

  /** Starts the stream and loads history; returns the stop function. */
  start(): () => void {
    const stop = subscribeLiveEvents(this.client, {
      apps: [this.appId],
      types: ['access', 'output', 'app-event', 'dropped'],
      onState: (stream) => this.meta.update({ stream }),
      onEvent: (env) => this.apply(env),
    });
    void this.loadHistory();
    return stop;
  }

  async loadHistory(): Promise<void> {
    const id = this.appId;
    try {
      const [access, output, events] = await Promise.all([
        this.client.call('access', { params: { id }, query: { limit: HISTORY_LIMIT } }),
        this.client.call('output', { params: { id }, query: { limit: HISTORY_LIMIT } }),
        this.client.call('events', { params: { id }, query: { limit: 200 } }),
      ]);
      // Pages come newest first; the tables show oldest at the top.
      this.accessGate.open(access.items.slice().reverse());
      this.outputGate.open(output.items.slice().reverse());
      this.meta.update({ loaded: true, error: null, events: events.items.slice().reverse(), olderAccess: access.nextBefore });
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
    try {
      const page = await this.client.call('access', { params: { id: this.appId }, query: { before: olderAccess, limit } });
      const added = this.access.prepend(page.items.slice().reverse());
      this.meta.update({ loadingOlder: false, olderAccess: added === page.items.length ? page.nextBefore : olderAccess });
      return added;
    } catch (e) {
      this.meta.update({ loadingOlder: false, error: e instanceof Error ? e.message : String(e) });
      return 0;
    }
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
      case 'dropped':
        this.meta.update({ missed: this.meta.getSnapshot().missed + env.data.count });
        break;
      default:
        break;
    }
  }
}
