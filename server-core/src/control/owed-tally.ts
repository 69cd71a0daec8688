// What stalled plain subscribers with the same filters would have been sent since a given event, added up along the
// Host's ring once for all of them. Each stalled subscriber scanning the ring on its own (64 of them, every 250 ms,
// every event sized again) was the largest JavaScript cost a held, stalled subscriber still had once its socket was
// full: about a third of what 64 of them cost the Host at ~13,000 events/s (docs/performance.md).
import type { SseEnvelope } from './contract.js';

/** The part of the Host's event hub a tally reads (SseSource's). */
export interface TallySource {
  readonly latestId: number;
  since(afterId: number, limit?: number): { events: readonly SseEnvelope[]; missed: { fromId: number; toId: number } | null };
}

/** Ids a tally remembers running totals for: more than the hub's ring holds (20,000 by default). */
const SPAN = 1 << 16;
/** Events read from the ring at a time. */
const PULL_CHUNK = 512;

export class OwedTally {
  /** cum[id % SPAN]: bytes of wanted events after `start`, up to and including `id`. */
  private readonly cum = new Float64Array(SPAN);
  /** The id the totals count from (exclusive) and the last id counted. */
  private start: number;
  private scanned: number;
  private total = 0;
  /** Stalled subscribers reading this tally; it is dropped from its registry at 0. */
  users = 0;

  constructor(
    private readonly source: TallySource,
    startId: number,
    private readonly wants: (e: SseEnvelope) => boolean,
    private readonly bytesOf: (e: SseEnvelope) => number,
  ) {
    this.start = this.scanned = startId;
  }

  /** Bytes of wanted events after `fromId` up to the latest, or null when this tally does not reach back to it. */
  owedSince(fromId: number): number | null {
    this.advance();
    if (fromId < this.start || fromId > this.scanned || this.scanned - fromId >= SPAN) return null;
    return fromId === this.start ? this.total : this.total - this.cum[fromId % SPAN]!;
  }

  private advance(): void {
    while (this.scanned < this.source.latestId) {
      const { events, missed } = this.source.since(this.scanned, PULL_CHUNK);
      if (missed) {
        // Not looked at for a whole ring: count afresh from there (a subscriber from before is off the ring, and
        // dropped for that before it asks).
        this.start = this.scanned = missed.toId;
        this.total = 0;
        continue;
      }
      if (events.length === 0) return;
      for (const e of events) {
        if (this.wants(e)) this.total += this.bytesOf(e);
        this.cum[e.id % SPAN] = this.total;
      }
      this.scanned = events[events.length - 1]!.id;
    }
  }
}

const tallies = new WeakMap<TallySource, Map<string, OwedTally>>();

/**
 * The tally for stalled subscribers of `source` with filters `key`, counting from `fromId` when it is new; release
 * it when the subscriber drains or closes.
 */
export function retainTally(
  source: TallySource,
  key: string,
  fromId: number,
  wants: (e: SseEnvelope) => boolean,
  bytesOf: (e: SseEnvelope) => number,
): OwedTally {
  let bySource = tallies.get(source);
  if (!bySource) tallies.set(source, (bySource = new Map()));
  let t = bySource.get(key);
  if (!t) bySource.set(key, (t = new OwedTally(source, fromId, wants, bytesOf)));
  t.users++;
  return t;
}

export function releaseTally(source: TallySource, key: string, t: OwedTally): void {
  if (--t.users > 0) return;
  const bySource = tallies.get(source);
  if (bySource?.get(key) === t) bySource.delete(key);
}
