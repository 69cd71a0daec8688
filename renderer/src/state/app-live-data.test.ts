// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../api/contract';
import { AppLiveData, Gate, liveBatch } from './app-live-data';
import { RowStore } from './row-store';

const row = (seq: number) => ({ seq });

describe('Gate between history and the live stream', () => {
  it('drops live entries already in the history page, keeps newer ones, in order', () => {
    const store = new RowStore<{ seq: number }>({ cap: 100, schedule: () => () => {} });
    const gate = new Gate(store);
    gate.push(row(9)); // arrived while the history was loading
    gate.push(row(10));
    gate.push(row(11));
    gate.open([row(8), row(9), row(10)]);
    gate.push(row(12));
    store.flush();
    expect(store.getSnapshot().rows.map((r) => r.seq)).toEqual([8, 9, 10, 11, 12]);
  });

  it('keeps entries after the server restarted and numbers from zero again', () => {
    const store = new RowStore<{ seq: number }>({ cap: 100, schedule: () => () => {} });
    const gate = new Gate(store);
    gate.open([row(500), row(501)]);
    gate.push(row(0));
    gate.push(row(1));
    store.flush();
    expect(store.getSnapshot().rows.map((r) => r.seq)).toEqual([500, 501, 0, 1]);
  });

  it('a resumed stream replaying entries the history already holds adds them once', () => {
    const store = new RowStore<{ seq: number }>({ cap: 100, schedule: () => () => {} });
    const gate = new Gate(store, true);
    gate.open([row(7), row(8), row(9)]);
    for (const s of [8, 9, 10, 11]) gate.push(row(s)); // the replay arrives after the history
    store.flush();
    expect(store.getSnapshot().rows.map((r) => r.seq)).toEqual([7, 8, 9, 10, 11]);
  });
});

describe("the screen's stream settings", () => {
  it('batches a counts-only stream once a second; rows (or the Output tab on screen) every 200 ms', () => {
    expect(liveBatch({ mode: 'count', filter: {} }, false).minIntervalMs).toBe(1000);
    expect(liveBatch({ mode: 'rows', filter: {} }, false).minIntervalMs).toBe(200);
    expect(liveBatch({ mode: 'count', filter: {} }, true).minIntervalMs).toBe(200);
    expect(liveBatch({ mode: 'rows', filter: { status: ['5xx'] } }, false)).toMatchObject({
      access: 'rows',
      status: ['5xx'],
      maxRate: 1000,
    });
  });
});

// A stand-in for GET /api/apps/:id/output over a history holding `kept` (oldest first): since, before, limit as
// the server reads them (server-core/test/control/output-history.test.ts tests the real one), `pageSize` lines a page.
function serverWith(kept: OutputRecord[], evicted: number, pageSize = 1000) {
  const calls: Record<string, unknown>[] = [];
  const client = {
    call: async (route: string, req: { query: { since?: number; before?: number; limit: number } }) => {
      expect(route).toBe('output');
      calls.push(req.query);
      const q = req.query;
      const match = kept
        .filter((l) => (q.since === undefined || l.time >= q.since) && (q.before === undefined || l.seq < q.before))
        .reverse();
      const items = match.slice(0, Math.min(q.limit, pageSize));
      return {
        items,
        nextBefore: match.length > items.length ? items.at(-1)!.seq : null,
        latestSeq: kept.at(-1)?.seq ?? 0,
        kept: {
          oldestSeq: kept[0]?.seq ?? 0,
          oldestTime: kept[0]?.time ?? null,
          evicted,
          lines: kept.length,
          bytes: 0,
          maxLines: 5000,
          maxBytes: 8 << 20,
        },
      };
    },
  };
  return { client: client as unknown as ConstructorParameters<typeof AppLiveData>[0], calls };
}
const line = (seq: number): OutputRecord => ({
  seq,
  time: seq * 10,
  app: 'a',
  source: 'stderr',
  level: 'info',
  workerId: 1,
  workerPid: 7,
  requestId: null,
  text: `line ${seq}`,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));

/**
 * Live data over a server holding lines 1-30 whose log has room for 15 lines (standing in for one holding its
 * 10,000), with 21-30 held.
 */
function fullLogHolding21To30() {
  const { client } = serverWith(range(1, 30), 0);
  const d = new AppLiveData(client, 'a');
  const small = new RowStore<OutputRecord>({ cap: 15, schedule: () => () => {} });
  Object.defineProperty(d, 'output', { value: small });
  small.reset(range(21, 30));
  return { d, small };
}
const seqs = (d: AppLiveData) => d.output.getSnapshot().rows.map((r) => r.seq);

describe('AppLiveData.loadOutputSince (a jump to a time before the oldest line held)', () => {
  it('loads the lines from that time on in front of those held, page by page, and nothing older', async () => {
    const { client, calls } = serverWith(range(1, 30), 0, 4);
    const d = new AppLiveData(client, 'a');
    d.output.reset(range(21, 30));
    expect(await d.loadOutputSince(105)).toEqual({ kind: 'held' });
    expect(seqs(d)).toEqual(range(11, 30).map((l) => l.seq));
    expect(calls.map((q) => q.before)).toEqual([21, 17, 13]);
    // Already held: nothing is asked.
    expect(await d.loadOutputSince(150)).toEqual({ kind: 'held' });
    expect(calls).toHaveLength(3);
  });

  it('a time older than anything kept, when lines fell off, says so (and where the log starts)', async () => {
    const { client } = serverWith(range(11, 30), 10);
    const d = new AppLiveData(client, 'a');
    d.output.reset(range(21, 30));
    const reach = await d.loadOutputSince(50);
    expect(reach).toMatchObject({ kind: 'not-kept', oldestTime: 110 });
    expect(seqs(d)[0]).toBe(11);
    // Nothing fell off: the app wrote nothing before its first line, which is simply where the jump lands.
    const fresh = new AppLiveData(serverWith(range(1, 30), 0).client, 'a');
    fresh.output.reset(range(21, 30));
    expect(await fresh.loadOutputSince(0)).toEqual({ kind: 'held' });
  });

  it('stops at the log cap and says so', async () => {
    const { d, small } = fullLogHolding21To30();
    expect(await d.loadOutputSince(0)).toEqual({ kind: 'full', cap: 15 });
    expect(small.getSnapshot().rows.map((r) => r.seq)).toEqual(range(16, 30).map((l) => l.seq));
  });
});

describe('AppLiveData.loadOlderOutput (the Output tab\'s "Load older lines")', () => {
  it("puts the page before the oldest line held in front, and says where the Host's history starts", async () => {
    // The Host keeps lines 11..30 (10 fell off); the log holds 21..30; pages of 4.
    const { client, calls } = serverWith(range(11, 30), 10, 4);
    const d = new AppLiveData(client, 'a');
    d.output.reset(range(21, 30));
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'unknown' });
    expect(await d.loadOlderOutput()).toBe(0); // not before the history said whether older lines are kept
    d.meta.update({ olderOutput: { kind: 'more' } }); // as the history page (tested below) says
    expect(await d.loadOlderOutput()).toBe(4);
    expect(seqs(d)).toEqual(range(17, 30).map((l) => l.seq));
    expect(calls.at(-1)).toMatchObject({ before: 21 });
    expect(calls.at(-1)!.since).toBeUndefined();
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'more' });
    expect(await d.loadOlderOutput()).toBe(4);
    expect(await d.loadOlderOutput()).toBe(2);
    expect(seqs(d)[0]).toBe(11);
    // The oldest line kept is held: the 10 written before it are gone, and there is nothing more to load.
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'start', notKept: 10 });
    expect(await d.loadOlderOutput()).toBe(0);
    expect(calls).toHaveLength(3);
  });

  it('counts only the lines before the oldest held as no longer kept, when held lines fell off too', async () => {
    // The Host now keeps 25..30 (24 fell off); the log still holds 21..30, so 20 lines before it are gone.
    const { client } = serverWith(range(25, 30), 24);
    const d = new AppLiveData(client, 'a');
    d.output.reset(range(21, 30));
    d.meta.update({ olderOutput: { kind: 'more' } });
    expect(await d.loadOlderOutput()).toBe(0);
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'start', notKept: 20 });
  });

  it('the first history page says whether older lines are kept', async () => {
    const { client } = serverWith(range(1, 30), 0, 12);
    const d = new AppLiveData(client, 'a');
    const events = { items: [], nextBefore: null, latestSeq: 0 };
    const access = { items: [], nextBefore: null, latestSeq: 0 };
    const call = (client as unknown as { call: (r: string, q: unknown) => Promise<unknown> }).call;
    Object.assign(client, {
      call: (route: string, req: { query: Record<string, unknown> }) =>
        route === 'output' ? call(route, req) : Promise.resolve(route === 'events' ? events : access),
    });
    await d.loadHistory();
    expect(seqs(d)).toEqual(range(19, 30).map((l) => l.seq));
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'more' });
  });

  it('stops at the log cap and says so', async () => {
    const { d, small } = fullLogHolding21To30();
    d.meta.update({ olderOutput: { kind: 'more' } });
    expect(await d.loadOlderOutput()).toBe(5);
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'full', cap: 15 });
  });

  it('a jump to a time that reaches the oldest line kept leaves the same answer', async () => {
    const { client } = serverWith(range(11, 30), 10);
    const d = new AppLiveData(client, 'a');
    d.output.reset(range(21, 30));
    await d.loadOutputSince(50);
    expect(d.meta.getSnapshot().olderOutput).toEqual({ kind: 'start', notKept: 10 });
  });
});

describe('AppLiveData.loadOutputSince, twice at once', () => {
  it('two jumps in flight put each older line in front once', async () => {
    const kept = Array.from({ length: 30 }, (_, i) => i + 1).map((seq): OutputRecord => ({
      seq,
      time: seq * 10,
      app: 'a',
      source: 'stdout',
      level: 'info',
      workerId: 1,
      workerPid: 7,
      requestId: null,
      text: '',
    }));
    const client = {
      call: async (_route: string, req: { query: { since: number; before?: number } }) => {
        await Promise.resolve(); // answers come later, after both jumps asked
        const items = kept
          .filter((l) => l.time >= req.query.since && (req.query.before === undefined || l.seq < req.query.before))
          .reverse();
        return {
          items,
          nextBefore: null,
          latestSeq: 30,
          kept: { oldestSeq: 1, oldestTime: 10, evicted: 0, lines: 30, bytes: 0, maxLines: 5000, maxBytes: 1 },
        };
      },
    } as unknown as ConstructorParameters<typeof AppLiveData>[0];
    const d = new AppLiveData(client, 'a');
    d.output.reset(kept.slice(20));
    await Promise.all([d.loadOutputSince(100), d.loadOutputSince(50)]);
    expect(d.output.getSnapshot().rows.map((r) => r.seq)).toEqual(kept.slice(4).map((l) => l.seq));
  });
});
