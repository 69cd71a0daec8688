// Request filters (predicate, persistence) and the incremental filtered view over a capped store.
import { describe, expect, it } from 'vitest';
import type { AccessRecord } from '../api/contract';
import { compileFilters, EMPTY_FILTERS, isFiltering, loadFilters, saveFilters, statusClass } from './request-filters';
import { FilteredView } from './filtered-view';
import { RowStore } from './row-store';
import { memoryStorage } from '../test-support/memory-storage';
import { sampleAccess } from '../test-support/samples';

let seq = 0;
const row = (over: Partial<AccessRecord>): AccessRecord => sampleAccess({ seq: seq++, requestId: `r${seq}`, ...over });

describe('request filters', () => {
  const rows = [
    row({ method: 'GET', path: '/', status: 200, durationMs: 2 }),
    row({ method: 'POST', path: '/api/items', status: 201, durationMs: 40 }),
    row({ method: 'GET', path: '/missing', status: 404, durationMs: 1 }),
    row({ method: 'GET', path: '/error', status: 500, durationMs: 120, requestId: 'abc-123' }),
    row({ method: 'DELETE', path: '/api/items/3', query: 'force=1', status: 204, durationMs: 9 }),
  ];
  const pick = (f: Partial<typeof EMPTY_FILTERS>) => rows.filter(compileFilters({ ...EMPTY_FILTERS, ...f })).map((r) => r.path);

  it('maps statuses to classes', () => {
    expect([101, 200, 204, 301, 404, 499, 500, 599].map(statusClass)).toEqual(['1xx', '2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx']);
  });

  it('passes everything with no filters', () => {
    expect(pick({})).toHaveLength(5);
    expect(isFiltering(EMPTY_FILTERS)).toBe(false);
  });

  it('filters by status class, method, path, minimum duration, and combines them with AND', () => {
    expect(pick({ statusClasses: ['4xx', '5xx'] })).toEqual(['/missing', '/error']);
    expect(pick({ methods: ['post', 'DELETE'] })).toEqual(['/api/items', '/api/items/3']);
    expect(pick({ path: 'ITEMS' })).toEqual(['/api/items', '/api/items/3']);
    expect(pick({ path: 'force=1' })).toEqual(['/api/items/3']);
    expect(pick({ minDurationMs: 10 })).toEqual(['/api/items', '/error']);
    expect(pick({ methods: ['GET'], minDurationMs: 2 })).toEqual(['/', '/error']);
  });

  it('searches every term across path, status and request id', () => {
    expect(pick({ search: 'abc-123' })).toEqual(['/error']);
    expect(pick({ search: '404' })).toEqual(['/missing']);
    expect(pick({ search: 'items 204' })).toEqual(['/api/items/3']);
  });

  it('keeps the rows since a time, or between two times (both ends included), read as local clock times', () => {
    const at = (local: string) => new Date(local).getTime();
    const timed = [
      row({ path: '/a', time: at('2026-12-04T10:00:00.000') }),
      row({ path: '/b', time: at('2026-12-04T10:00:30.500') }),
      row({ path: '/c', time: at('2026-12-04T10:01:00.999') }),
      row({ path: '/d', time: at('2026-12-04T10:02:00.000') }),
    ];
    const within = (f: Partial<typeof EMPTY_FILTERS>) => timed.filter(compileFilters({ ...EMPTY_FILTERS, ...f })).map((r) => r.path);
    expect(within({ since: '2026-12-04T10:00:30' })).toEqual(['/b', '/c', '/d']);
    // "Until" takes in the whole second it names, as the inputs step in seconds.
    expect(within({ since: '2026-12-04T10:00:30', until: '2026-12-04T10:01:00' })).toEqual(['/b', '/c']);
    expect(within({ until: '2026-12-04T10:00' })).toEqual(['/a', '/b']);
    expect(isFiltering({ ...EMPTY_FILTERS, since: '2026-12-04T10:00' })).toBe(true);
    // A half-typed or impossible time filters nothing rather than everything.
    expect(within({ since: 'not a time' })).toEqual(['/a', '/b', '/c', '/d']);
  });

  it('remembers filters per app and ignores junk in storage', () => {
    const { store, storage } = memoryStorage();
    saveFilters('one', { ...EMPTY_FILTERS, statusClasses: ['5xx'], path: '/api' }, storage);
    expect(loadFilters('one', storage)).toMatchObject({ statusClasses: ['5xx'], path: '/api' });
    expect(loadFilters('two', storage)).toEqual(EMPTY_FILTERS);
    store.set('gantry.requests.filters.three', '{"statusClasses":["9xx","2xx"],"minDurationMs":"x","methods":[1,"GET"],"since":5}');
    expect(loadFilters('three', storage)).toEqual({ ...EMPTY_FILTERS, statusClasses: ['2xx'], methods: ['GET'] });
    store.set('gantry.requests.filters.four', 'not json');
    expect(loadFilters('four', storage)).toEqual(EMPTY_FILTERS);
    saveFilters('one', EMPTY_FILTERS, storage);
    expect(store.has('gantry.requests.filters.one')).toBe(false);
  });
});

describe('FilteredView over a capped RowStore', () => {
  it('tests only new rows per batch and drops trimmed ones, matching a full recompute', () => {
    const store = new RowStore<number>({ cap: 50, schedule: () => () => {} });
    const view = new FilteredView<number>();
    let calls = 0;
    const even = (n: number) => (calls++, n % 2 === 0);
    for (let batch = 0; batch < 10; batch++) {
      store.push(Array.from({ length: 17 }, (_, i) => batch * 17 + i));
      store.flush();
      const before = calls;
      const out = view.update(store.getSnapshot(), even);
      expect(calls - before).toBe(17); // only the batch, never the whole table
      expect(out.rows).toEqual(store.getSnapshot().rows.filter((n) => n % 2 === 0));
      expect(out.seqs.map((s) => s - store.getSnapshot().dropped).every((i) => store.getSnapshot().rows[i]! % 2 === 0)).toBe(true);
    }
  });

  it('recomputes when the filter changes', () => {
    const store = new RowStore<number>({ cap: 10, schedule: () => () => {} });
    store.push([1, 2, 3, 4, 5]);
    store.flush();
    const view = new FilteredView<number>();
    expect(view.update(store.getSnapshot(), (n) => n > 3).rows).toEqual([4, 5]);
    expect(view.update(store.getSnapshot(), (n) => n < 3).rows).toEqual([1, 2]);
  });

  it('adds matching older rows in front and counts them, without retesting the rest', () => {
    const store = new RowStore<number>({ cap: 100, schedule: () => () => {} });
    store.push([10, 11, 12, 13]);
    store.flush();
    const view = new FilteredView<number>();
    const even = (n: number) => n % 2 === 0;
    const first = view.update(store.getSnapshot(), even);
    expect(first.rows).toEqual([10, 12]);
    store.prepend([6, 7, 8, 9]);
    const next = view.update(store.getSnapshot(), even);
    expect(next.rows).toEqual([6, 8, 10, 12]);
    expect(next.prepended - first.prepended).toBe(2);
    expect(next.epoch).toBe(first.epoch);
    expect(next.seqs.map((q) => store.getSnapshot().rows[q - store.getSnapshot().dropped])).toEqual([6, 8, 10, 12]);
  });
});
