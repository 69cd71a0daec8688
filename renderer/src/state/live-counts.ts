// The Requests toolbar's live counts ("Showing 1 in N · R req/s, S/s shown", "Resume (N new)") from the stream's
// per-batch access counts. A batch comes every 200 ms; the rates are whole seconds, and the sampling share of one
// batch wobbles (1 in 5, 1 in 7, 1 in 6…) as the server's token bucket refills. Repainting the toolbar for every
// wobble cost the page a frame of its own between the table's updates (docs/performance.md, "Watching"), and read
// as noise, so what is shown changes once a second, except what must show at once: sampling starting or stopping,
// and the "N new" count of a paused or hidden table (it changes with the served count, on the same frame).
import type { SseBatch } from '../api/contract';

export interface LiveCounts {
  readonly seenPerSec: number;
  readonly sentPerSec: number;
  /** 1: every matching request is shown; N: about 1 in N ordinary ones (errors, slow, with output: all). */
  readonly sampleOneIn: number;
  /** Matching requests that happened while the table only counted (paused or hidden). */
  readonly unshown: number;
}

export const NO_LIVE_COUNTS: LiveCounts = { seenPerSec: 0, sentPerSec: 0, sampleOneIn: 1, unshown: 0 };

export type BatchCounts = NonNullable<SseBatch['access']>;

/** What to show after a batch: null when nothing shown should change yet; `urgent` when it must show now. */
export interface LiveCountsUpdate {
  readonly live: LiveCounts;
  readonly urgent: boolean;
}

export class LiveCounter {
  private window = { start: 0, seen: 0, sent: 0 };

  /** `shown`: what the toolbar has (or is about to get); `counting`: the table only counts (paused or hidden). */
  next(shown: LiveCounts, c: BatchCounts, counting: boolean, now: number): LiveCountsUpdate | null {
    const w = this.window;
    w.seen += c.seen;
    w.sent += c.sent;
    const unshown = counting ? shown.unshown + c.matched : shown.unshown;
    const rolled = now - w.start >= 1000;
    const urgent = unshown !== shown.unshown || c.sampleOneIn > 1 !== shown.sampleOneIn > 1;
    if (!rolled && !urgent) return null;
    const secs = Math.max(1, now - w.start) / 1000;
    const live: LiveCounts = {
      seenPerSec: rolled ? Math.round(w.seen / secs) : shown.seenPerSec,
      sentPerSec: rolled ? Math.round(w.sent / secs) : shown.sentPerSec,
      sampleOneIn: c.sampleOneIn,
      unshown,
    };
    if (rolled) this.window = { start: now, seen: 0, sent: 0 };
    return { live, urgent };
  }
}
