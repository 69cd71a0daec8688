import { describe, expect, it } from 'vitest';
import { LiveCounter, NO_LIVE_COUNTS, type BatchCounts, type LiveCounts } from './live-counts';

const batch = (seen: number, sent: number, sampleOneIn: number, matched = seen): BatchCounts => ({ seen, matched, sent, sampleOneIn });

/** Feeds batches every 200 ms from `t0`, applying each update; returns the updates (null: nothing changes). */
function feed(counter: LiveCounter, start: LiveCounts, t0: number, batches: BatchCounts[], counting = false) {
  let shown = start;
  return batches.map((b, i) => {
    const u = counter.next(shown, b, counting, t0 + i * 200);
    if (u) shown = u.live;
    return u;
  });
}

describe('LiveCounter', () => {
  it("does not repaint for each batch's sampling share: once a second, with the second's rates", () => {
    const counter = new LiveCounter();
    const first = counter.next(NO_LIVE_COUNTS, batch(1000, 200, 5), false, 10_000); // sampling starts: at once
    expect(first).toEqual({ live: { seenPerSec: 100, sentPerSec: 20, sampleOneIn: 5, unshown: 0 }, urgent: true });
    // The next four batches of that second: the share wobbles, nothing changes on screen.
    const mid = feed(counter, first!.live, 10_200, [batch(1000, 140, 7), batch(1000, 200, 5), batch(1000, 170, 6), batch(1000, 200, 5)]);
    expect(mid).toEqual([null, null, null, null]);
    // A second after the first: the second's rates and the latest share.
    const rolled = counter.next(first!.live, batch(1000, 170, 6), false, 11_000);
    expect(rolled).toEqual({ live: { seenPerSec: 5000, sentPerSec: 880, sampleOneIn: 6, unshown: 0 }, urgent: false });
  });

  it('shows sampling stopping at once', () => {
    const counter = new LiveCounter();
    const on = counter.next(NO_LIVE_COUNTS, batch(1000, 200, 5), false, 0)!.live;
    const off = counter.next(on, batch(100, 100, 1), false, 200);
    expect(off?.urgent).toBe(true);
    expect(off?.live.sampleOneIn).toBe(1);
  });

  it('counts what a paused table did not show at every batch ("Resume (N new)")', () => {
    const counter = new LiveCounter();
    const updates = feed(counter, NO_LIVE_COUNTS, 0, [batch(3, 0, 1), batch(2, 0, 1), batch(0, 0, 1)], true);
    expect(updates.map((u) => u && { unshown: u.live.unshown, urgent: u.urgent })).toEqual([
      { unshown: 3, urgent: true },
      { unshown: 5, urgent: true },
      null,
    ]);
  });
});
