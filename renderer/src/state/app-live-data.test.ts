// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { Gate, liveBatch } from './app-live-data';
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
