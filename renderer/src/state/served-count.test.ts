// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { manualFrames } from '../test-support/manual-frames';
import { RowStore } from './row-store';
import { rowsSince, servedCount, ServedTally, type ServedInputs } from './served-count';

const RUN = 1_000_000;
const base: ServedInputs = { live: null, metrics: null, startedAt: RUN, rowsThisRun: 0 };

describe('servedCount: the Requests header never says fewer served than the table holds', () => {
  it('between two metrics samples, the live tally (sample + what the stream counted since) is the count', () => {
    const tally = new ServedTally();
    tally.count(5); // before any sample: nothing to add to
    tally.settle();
    expect(tally.getSnapshot()).toBeNull();
    tally.sample({ requests: 40, time: RUN + 10 });
    tally.count(7);
    tally.count(5);
    tally.settle();
    const n = servedCount({ ...base, live: tally.getSnapshot(), metrics: { requests: 40, time: RUN + 10 }, rowsThisRun: 52 }, null);
    expect(n).toBe(52);
    // The next sample replaces the tally: what it already counts is not added twice.
    tally.sample({ requests: 52, time: RUN + 1010 });
    tally.count(1);
    tally.settle();
    expect(servedCount({ ...base, live: tally.getSnapshot() }, null)).toBe(53);
  });

  it('before the stream carried a sample, the rows of this run are the floor (the once-a-second sample lags them)', () => {
    expect(servedCount({ ...base, metrics: { requests: 0, time: RUN + 5 }, rowsThisRun: 12 }, null)).toBe(12);
  });

  it('never goes back within a run (a late sample, a reconnect), and counts from zero after a restart', () => {
    const shown = { startedAt: RUN, n: 30 };
    expect(servedCount({ ...base, metrics: { requests: 25, time: RUN + 2000 } }, shown)).toBe(30);
    const restarted = RUN + 60_000;
    // The last run's numbers (sampled before this start) count nothing for the new run.
    const n = servedCount(
      {
        live: { sample: { requests: 500, time: RUN + 59_000 }, after: 20 },
        metrics: { requests: 500, time: RUN + 59_000 },
        startedAt: restarted,
        rowsThisRun: 3,
      },
      shown,
    );
    expect(n).toBe(3);
  });

  it("the apps list's sample does not move a live tally's count (it repainted the header between table updates); a stalled tally gives way", () => {
    const live = { sample: { requests: 1000, time: RUN + 5000 }, after: 150 };
    // The apps list's stream brought the next sample before this screen's stream did: the tally's next frame shows it.
    expect(servedCount({ ...base, live, metrics: { requests: 1400, time: RUN + 6000 } }, null)).toBe(1150);
    // A tally two samples behind (its stream stalled or reconnecting): the newer sample is the count.
    expect(servedCount({ ...base, live, metrics: { requests: 2100, time: RUN + 7000 } }, null)).toBe(2100);
  });

  it('a stopped app keeps the count it showed', () => {
    expect(servedCount({ ...base, startedAt: null }, { startedAt: RUN, n: 30 })).toBe(30);
    expect(servedCount({ ...base, startedAt: null, metrics: { requests: 9, time: 1 } }, null)).toBe(9);
    expect(servedCount({ ...base, startedAt: null }, null)).toBeNull();
  });
});

describe('rowsSince', () => {
  it('counts the newest rows that belong to the run, not the earlier runs above them', () => {
    const rows = [{ time: RUN - 50 }, { time: RUN - 1 }, { time: RUN }, { time: RUN + 3 }, { time: RUN + 2 }];
    expect(rowsSince(rows, RUN)).toBe(3);
    expect(rowsSince(rows, null)).toBe(0);
    expect(rowsSince([], RUN)).toBe(0);
  });
});

describe('ServedTally: the count repaints with the table, in one commit', () => {
  it("a stream frame's count shows with the table update that shows its rows, not before it", () => {
    const f = manualFrames();
    const table = new RowStore<number>({ cap: 100, schedule: f.schedule });
    const tally = new ServedTally(table);
    // Both stores notify React; what matters is how many times, and what each notice shows.
    const seen: string[] = [];
    tally.subscribe(() => seen.push(`served ${tally.getSnapshot()?.after}`));
    table.subscribe(() => seen.push(`rows ${table.getSnapshot().rows.length}`));

    // One frame of the stream: its sample, its rows, then its counts.
    tally.sample({ requests: 10, time: RUN });
    table.push([1, 2, 3]);
    tally.count(3);
    tally.settle();
    expect(seen).toEqual([]); // nothing repaints until the table's update
    f.frame();
    // One task: the count first (the tally listens to the table before React does), then the rows.
    expect(seen).toEqual(['served 3', 'rows 3']);
    expect(tally.getSnapshot()).toEqual({ sample: { requests: 10, time: RUN }, after: 3 });
  });

  it('with no table update coming (paused, filtered out, history loading), the count shows at the end of the frame', () => {
    const f = manualFrames();
    const table = new RowStore<number>({ cap: 100, schedule: f.schedule });
    const tally = new ServedTally(table);
    let notices = 0;
    tally.subscribe(() => notices++);
    tally.sample({ requests: 10, time: RUN });
    tally.count(4);
    expect(notices).toBe(0);
    tally.settle();
    expect(notices).toBe(1);
    expect(tally.getSnapshot()?.after).toBe(4);

    // Paused with rows still coming in: the "N new" update carries the count too.
    table.setPaused(true);
    table.push([1, 2]);
    tally.count(2);
    tally.settle();
    expect(tally.getSnapshot()?.after).toBe(4);
    f.frame();
    expect(table.getSnapshot().pending).toBe(2);
    expect(tally.getSnapshot()?.after).toBe(6);
  });
});
