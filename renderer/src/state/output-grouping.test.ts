// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { continuesPrevious } from './output-grouping';

const l = (over: Partial<Parameters<typeof continuesPrevious>[1]> = {}) => ({
  time: 1000,
  level: 'error' as const,
  source: 'stderr' as const,
  workerPid: 7,
  requestId: 'r1',
  ...over,
});

describe('continuesPrevious', () => {
  it('groups lines of one traceback and starts a new group when anything differs', () => {
    expect(continuesPrevious(undefined, l())).toBe(false);
    expect(continuesPrevious(l(), l({ time: 1001 }))).toBe(true);
    expect(continuesPrevious(l(), l({ requestId: 'r2' }))).toBe(false);
    expect(continuesPrevious(l(), l({ level: 'info' }))).toBe(false);
    expect(continuesPrevious(l(), l({ workerPid: 8 }))).toBe(false);
    expect(continuesPrevious(l(), l({ time: 2000 }))).toBe(false);
  });
});
