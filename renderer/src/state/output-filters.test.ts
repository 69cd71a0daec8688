// @vitest-environment node
// The Output tab's filters: remembered per app, overridden by a link's own (?level=, ?pid=, ?q=).
import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../api/contract';
import {
  compileOutputFilters,
  EMPTY_OUTPUT_FILTERS,
  initialOutputFilters,
  loadOutputFilters,
  outputWorkerPids,
  saveOutputFilters,
  type OutputFilters,
} from './output-filters';
import { memoryStorage } from '../test-support/memory-storage';

describe('output filters per app', () => {
  it('remembers levels, sources and search per app; not a link’s pid; ignores junk', () => {
    const { store, storage } = memoryStorage();
    saveOutputFilters(
      'one',
      { ...EMPTY_OUTPUT_FILTERS, levels: ['error', 'critical'], sources: ['stderr'], pid: 4121, search: 'Traceback' },
      storage,
    );
    expect(loadOutputFilters('one', storage)).toEqual({
      ...EMPTY_OUTPUT_FILTERS,
      levels: ['error', 'critical'],
      sources: ['stderr'],
      pid: null,
      search: 'Traceback',
    });
    // A time range alone is worth remembering, like the Requests tab's.
    saveOutputFilters('range', { ...EMPTY_OUTPUT_FILTERS, since: '2026-12-04T10:00:30' }, storage);
    expect(loadOutputFilters('range', storage)).toEqual({ ...EMPTY_OUTPUT_FILTERS, since: '2026-12-04T10:00:30' });
    expect(loadOutputFilters('two', storage)).toEqual(EMPTY_OUTPUT_FILTERS);
    store.set('gantry.output.filters.three', '{"levels":["loud","info"],"sources":[3,"gantry"],"search":7}');
    expect(loadOutputFilters('three', storage)).toEqual({ ...EMPTY_OUTPUT_FILTERS, levels: ['info'], sources: ['gantry'] });
    store.set('gantry.output.filters.four', '{');
    expect(loadOutputFilters('four', storage)).toEqual(EMPTY_OUTPUT_FILTERS);
    saveOutputFilters('one', { ...EMPTY_OUTPUT_FILTERS, pid: 9 }, storage);
    expect(store.has('gantry.output.filters.one')).toBe(false);
  });

  it('opens with a link’s filters when it brings any, else the remembered ones', () => {
    const { storage } = memoryStorage();
    saveOutputFilters('a', { ...EMPTY_OUTPUT_FILTERS, sources: ['stdout'], search: 'hello' }, storage);
    expect(initialOutputFilters('a', {}, storage)).toMatchObject({ sources: ['stdout'], search: 'hello' });
    expect(initialOutputFilters('a', { level: 'error', pid: '77' }, storage)).toEqual({
      ...EMPTY_OUTPUT_FILTERS,
      levels: ['error', 'critical'],
      pid: 77,
    });
  });
});

describe('the Output time range', () => {
  it('keeps the lines since a time, or between two (both ends whole), read as local clock times', () => {
    const at = (local: string) => new Date(local).getTime();
    const line = (text: string, time: number): OutputRecord =>
      ({ seq: 0, time, app: 'a', source: 'stderr', level: 'info', workerId: 1, workerPid: 1, requestId: null, text }) as OutputRecord;
    const lines = [
      line('a', at('2026-12-04T10:00:00.000')),
      line('b', at('2026-12-04T10:00:30.500')),
      line('c', at('2026-12-04T10:01:00.999')),
      line('d', at('2026-12-04T10:02:00.000')),
    ];
    const within = (f: Partial<OutputFilters>) => lines.filter(compileOutputFilters({ ...EMPTY_OUTPUT_FILTERS, ...f })).map((l) => l.text);
    expect(within({ since: '2026-12-04T10:00:30' })).toEqual(['b', 'c', 'd']);
    expect(within({ since: '2026-12-04T10:00:30', until: '2026-12-04T10:01:00' })).toEqual(['b', 'c']);
    expect(within({ until: '2026-12-04T10:00' })).toEqual(['a', 'b']);
    // Half-typed: nothing is filtered out.
    expect(within({ since: '2026-12-04T1' })).toEqual(['a', 'b', 'c', 'd']);
    // With the other filters, not instead of them.
    expect(within({ since: '2026-12-04T10:00:30', search: 'c' })).toEqual(['c']);
  });
});

describe('outputWorkerPids', () => {
  it('lists each worker pid once, sorted, with the picked one even before it wrote anything', () => {
    const rows = [{ workerPid: 30 }, { workerPid: null }, { workerPid: 7 }, { workerPid: 30 }];
    expect(outputWorkerPids(rows, null)).toEqual([7, 30]);
    expect(outputWorkerPids(rows, 99)).toEqual([7, 30, 99]);
    expect(outputWorkerPids([], null)).toEqual([]);
  });
});
