// @vitest-environment node
// The Output tab's filters: remembered per app, overridden by a link's own (?level=, ?pid=, ?q=).
import { describe, expect, it } from 'vitest';
import { EMPTY_OUTPUT_FILTERS, initialOutputFilters, loadOutputFilters, outputWorkerPids, saveOutputFilters } from './output-filters';

function memoryStorage() {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  } as unknown as Storage;
  return { store, storage };
}

describe('output filters per app', () => {
  it('remembers levels, sources and search per app; not a link’s pid; ignores junk', () => {
    const { store, storage } = memoryStorage();
    saveOutputFilters('one', { levels: ['error', 'critical'], sources: ['stderr'], pid: 4121, search: 'Traceback', regex: false }, storage);
    expect(loadOutputFilters('one', storage)).toEqual({
      levels: ['error', 'critical'],
      sources: ['stderr'],
      pid: null,
      search: 'Traceback',
      regex: false,
    });
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
      levels: ['error', 'critical'],
      sources: [],
      pid: 77,
      search: '',
      regex: false,
    });
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
