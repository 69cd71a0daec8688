// Row batching per frame, capping, pause, prepend: the live table's data under load.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualFrames } from '../test-support/manual-frames';
import { RowStore } from './row-store';

describe('RowStore batching', () => {
  it('applies rows pushed in one frame together, scheduling one flush', () => {
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 100, schedule: f.schedule });
    let renders = 0;
    store.subscribe(() => renders++);
    store.push([1]);
    store.push([2, 3]);
    store.push([4]);
    expect(store.getSnapshot().rows).toEqual([]);
    expect(f.scheduled()).toBe(1);
    f.frame();
    expect(store.getSnapshot().rows).toEqual([1, 2, 3, 4]);
    expect(renders).toBe(1);
  });

  it('keeps only the newest `cap` rows and counts the dropped ones', () => {
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 5, schedule: f.schedule });
    store.push([1, 2, 3]);
    f.frame();
    store.push([4, 5, 6, 7]);
    f.frame();
    const s = store.getSnapshot();
    expect(s.rows).toEqual([3, 4, 5, 6, 7]);
    expect(s.dropped).toBe(2);
    // Sequence numbers stay stable: row 5 was the 5th received (index 4) before and after the trim.
    expect(s.dropped + s.rows.indexOf(5)).toBe(4);
  });

  it('holds rows while paused and shows them on resume', () => {
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 10, schedule: f.schedule });
    store.push([1]);
    f.frame();
    store.setPaused(true);
    let renders = 0;
    store.subscribe(() => renders++);
    store.push([2]);
    store.push([3]);
    f.frame();
    expect(renders).toBe(1); // the pending count refreshes once per frame, not per row
    expect(store.getSnapshot()).toMatchObject({ rows: [1], pending: 2, paused: true });
    store.setPaused(false);
    expect(store.getSnapshot()).toMatchObject({ rows: [1, 2, 3], pending: 0, paused: false });
  });

  it('never holds more than `cap` pending rows while paused, and reports the skipped ones', () => {
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 3, schedule: f.schedule });
    store.setPaused(true);
    store.push([1, 2, 3, 4, 5]);
    f.frame();
    expect(store.getSnapshot()).toMatchObject({ pending: 3, skipped: 2 });
    store.setPaused(false);
    expect(store.getSnapshot().rows).toEqual([3, 4, 5]);
  });

  it('handles a burst of 50k rows in one frame without exceeding the cap', () => {
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 10_000, schedule: f.schedule });
    for (let i = 0; i < 50; i++) store.push(Array.from({ length: 1000 }, (_, j) => i * 1000 + j));
    f.frame();
    const s = store.getSnapshot();
    expect(s.rows.length).toBe(10_000);
    expect(s.rows[0]).toBe(40_000);
    expect(s.rows.at(-1)).toBe(49_999);
  });

  it('reset replaces the rows and cancels a pending flush', () => {
    const f = manualFrames();
    const store = new RowStore<string>({ cap: 3, schedule: f.schedule });
    store.push(['live']);
    store.reset(['a', 'b', 'c', 'd']);
    f.frame();
    expect(store.getSnapshot().rows).toEqual(['b', 'c', 'd']);
  });

  it("prepends older rows within the cap, keeping the shown rows' sequence numbers", () => {
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 6, schedule: f.schedule });
    store.push([10, 11, 12]);
    f.frame();
    const seqOf12 = store.getSnapshot().dropped + 2;
    expect(store.prepend([5, 6, 7, 8, 9])).toBe(3); // room for three: the newest three
    const s = store.getSnapshot();
    expect(s.rows).toEqual([7, 8, 9, 10, 11, 12]);
    expect(s.dropped + s.rows.indexOf(12)).toBe(seqOf12);
    expect(store.prepend([1])).toBe(0);
  });
});

describe('RowStore.holdFrom', () => {
  it('the cap trims rows above the held row but never the held row: new rows wait until it is released', () => {
    const store = new RowStore<number>({ cap: 10, schedule: () => () => undefined });
    store.push([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    store.flush();
    store.holdFrom(4); // the reader looks at row seq 4
    store.push([10, 11, 12, 13, 14, 15, 16, 17]);
    store.flush();
    const held = store.getSnapshot();
    expect(held.rows[0]).toBe(4);
    expect(held.rows.at(-1)).toBe(13);
    expect(held.pending).toBe(4);
    store.holdFrom(null);
    const released = store.getSnapshot();
    expect(released.rows).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(released.pending).toBe(0);
  });
});

describe('RowStore under sustained traffic', () => {
  afterEach(() => vi.useRealTimers());

  it('shows a row after a quiet spell at the next frame, then updates at most once per minIntervalMs', () => {
    vi.useFakeTimers();
    const f = manualFrames();
    const store = new RowStore<number>({ cap: 100, schedule: f.schedule, minIntervalMs: 200, now: () => Date.now() });
    let renders = 0;
    store.subscribe(() => renders++);
    store.push([1]);
    f.frame();
    expect(store.getSnapshot().rows).toEqual([1]); // no wait after quiet
    store.push([2]);
    f.frame();
    expect(store.getSnapshot().rows).toEqual([1]); // too soon: waits for the interval, not the next frame
    vi.advanceTimersByTime(150);
    store.push([3]);
    vi.advanceTimersByTime(49);
    f.frame();
    expect(store.getSnapshot().rows).toEqual([1]);
    vi.advanceTimersByTime(1);
    f.frame();
    expect(store.getSnapshot().rows).toEqual([1, 2, 3]);
    expect(renders).toBe(2);
  });

  it('above busy.rowsPerSecond, waits busy.intervalMs between updates; below it again, minIntervalMs', () => {
    vi.useFakeTimers();
    const f = manualFrames();
    const store = new RowStore<number>({
      cap: 10_000,
      schedule: f.schedule,
      minIntervalMs: 200,
      busy: { rowsPerSecond: 100, intervalMs: 500 },
      now: () => Date.now(),
    });
    const shown = () => store.getSnapshot().rows.length;
    store.push([0]);
    f.frame(); // after a quiet spell: at once, whatever the rate before
    expect(shown()).toBe(1);
    // 50 rows in the next 200 ms: 250 a second, more than the table can show.
    store.push(Array.from({ length: 50 }, (_, i) => i + 1));
    vi.advanceTimersByTime(200);
    f.frame();
    expect(shown()).toBe(51);
    store.push([51]);
    vi.advanceTimersByTime(499);
    f.frame();
    expect(shown()).toBe(51); // busy: not at 200 ms, not before 500
    vi.advanceTimersByTime(1);
    f.frame();
    expect(shown()).toBe(52);
    // One row in those 500 ms: 2 a second, so the next update is back to 200 ms.
    store.push([52]);
    vi.advanceTimersByTime(200);
    f.frame();
    expect(shown()).toBe(53);
  });
});
