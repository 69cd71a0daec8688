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

/** Fed by the live stream (AppLiveData): a sample resets the tally, each batch's `seen` adds to it. */
export class ServedTally extends ExternalStore<LiveServed | null> {
  constructor() {
    super(null);
  }
  sample(sample: MetricsSample): void {
    this.set({ sample: { requests: sample.requests, time: sample.time }, after: 0 });
  }
  count(seen: number): void {
    if (this.state === null || seen <= 0) return; // before the first sample there is nothing to add to
    this.set({ sample: this.state.sample, after: this.state.after + seen });
  }
}

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
  if (i.metrics && i.metrics.time >= run) n = Math.max(n, i.metrics.requests);
  if (i.live && i.live.sample.time >= run) n = Math.max(n, i.live.sample.requests + i.live.after);
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
