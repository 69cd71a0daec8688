// The Requests header's "N served", true at every frame: the once-a-second metrics sample alone lagged the table
// (a quick dozen requests read "0 served · 12 rows in the table"). The live stream carries each metrics sample at
// the head of a batch, so the sample's count plus the access entries counted in that batch and every one after it
// is exactly what the app has served (docs/control-api.md, "Requests served, exactly"). Each source below is a
// lower bound of the truth; the header shows the largest, and never less than it showed before in the same run.
import { ExternalStore } from './external-store';

export interface MetricsSample {
  readonly requests: number;
  /** When the server took it (epoch ms): which run of the app it counts. */
  readonly time: number;
}

/** The last sample the live stream carried and the access entries it counted since (in that batch and after). */
export interface LiveServed {
  readonly sample: MetricsSample;
  readonly after: number;
}

/**
 * What the tally repaints with: the table's RowStore, which updates at most a few times a second. A count that
 * repainted on its own as each stream frame arrived cost a second React commit and layout per table update
 * (docs/performance.md, "The served count rides the table's update").
 */
export interface UpdateCarrier {
  /** An update is on its way (it will notify its subscribers). */
  readonly updateScheduled: boolean;
  readonly subscribe: (listener: () => void) => () => void;
}

/**
 * Fed by the live stream (AppLiveData): a sample resets the tally, each batch's `seen` adds to it. What it counts
 * is shown at the end of each stream frame (`settle`), or, when the carrier (the table) has an update on its way,
 * with that update: the rows of a frame and its count reach the screen in one commit, and "N served" is never
 * behind the rows (or the "N new") shown beside it.
 */
export class ServedTally extends ExternalStore<LiveServed | null> {
  private latest: LiveServed | null = null;
  constructor(private readonly carrier?: UpdateCarrier) {
    super(null);
    // Subscribed before any view is: the count is set first, in the same task as the rows (one React commit).
    carrier?.subscribe(() => this.set(this.latest));
  }
  sample(sample: MetricsSample): void {
    this.latest = { sample: { requests: sample.requests, time: sample.time }, after: 0 };
  }
  count(seen: number): void {
    if (this.latest === null || seen <= 0) return; // before the first sample there is nothing to add to
    this.latest = { sample: this.latest.sample, after: this.latest.after + seen };
  }
  /** The end of a stream frame: shows what was counted now, unless the table's coming update will carry it. */
  settle(): void {
    if (!this.carrier?.updateScheduled) this.set(this.latest);
  }
}

/** A live tally whose sample is this much older than the apps list's has stalled (two samples: about 2 s). */
const STALE_TALLY_MS = 2000;

export interface ServedInputs {
  /** The tally from this screen's live stream. */
  readonly live: LiveServed | null;
  /** The app's latest metrics as the apps list has them (once a second). */
  readonly metrics: MetricsSample | null;
  /** When this run of the app started (null: not running). Metrics count from zero at each start. */
  readonly startedAt: number | null;
  /** Rows the table holds from this run (each one a request served). */
  readonly rowsThisRun: number;
}

export interface ServedShown {
  readonly startedAt: number | null;
  readonly n: number;
}

/** The count to show, given what was shown before (null: nothing to show yet). */
export function servedCount(i: ServedInputs, before: ServedShown | null): number | null {
  // Stopped: what the run served when it ended.
  if (i.startedAt === null) return before?.n ?? i.metrics?.requests ?? null;
  const run = i.startedAt;
  let n = Math.max(i.rowsThisRun, before !== null && before.startedAt === run ? before.n : 0);
  // A sample taken before this run started counts the last run (a restart counts from zero again).
  const live = i.live && i.live.sample.time >= run ? i.live : null;
  if (live) n = Math.max(n, live.sample.requests + live.after);
  // The apps list's sample (once a second, on its own stream) only while this screen's tally has none as recent: a
  // live tally shows the same count with its next frame, on the table's update, where the apps list's sample
  // arriving first repainted the header between two updates (a frame of its own each second).
  if (i.metrics && i.metrics.time >= run && (!live || i.metrics.time - live.sample.time >= STALE_TALLY_MS))
    n = Math.max(n, i.metrics.requests);
  return n;
}

/** How many rows, counted from the newest, were served in the run that started at `since` (rows oldest first). */
export function rowsSince(rows: readonly { readonly time: number }[], since: number | null): number {
  if (since === null) return 0;
  let n = 0;
  // The rows of one run follow the rows of the runs before it: walk back until the first older one.
  for (let i = rows.length - 1; i >= 0 && rows[i]!.time >= since; i--) n++;
  return n;
}
