// Crash-restart back-off: immediate first, then doubling from 0.1 s, capped at 30 s.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/supervisor/backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map(backoffDelay)).toEqual([0, 0, 100, 200, 400, 800]);
    expect(backoffDelay(30)).toBe(30_000);
  });
});
