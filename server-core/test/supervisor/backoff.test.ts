// Restart back-off (supervisor/backoff.ts): the one implementation the arbiter's workers and the gateway processes
// of `--gateway-processes N` use, each with its own policy.
import { describe, expect, it } from 'vitest';
import { Backoff, GATEWAY_PROCESS_BACKOFF, WORKER_BACKOFF } from '../../src/supervisor/backoff.js';

const waits = (b: Backoff, n: number, upMs = 0): number[] => Array.from({ length: n }, () => b.next(upMs));

describe('Backoff', () => {
  it('restarts a worker at once, then doubles from 0.1 s and stops at the cap', () => {
    const b = new Backoff(WORKER_BACKOFF);
    expect(waits(b, 5)).toEqual([0, 100, 200, 400, 800]);
    expect(waits(b, 30).at(-1)).toBe(30_000);
  });

  it('starts the count over after a run longer than the policy says, and after a reset', () => {
    const b = new Backoff(WORKER_BACKOFF);
    expect(waits(b, 3)).toEqual([0, 100, 200]);
    expect(b.next(10_001)).toBe(0);
    expect(b.next(10_000)).toBe(100);
    b.reset();
    expect(b.next()).toBe(0);
  });

  it('never restarts a gateway process at once: 0.1 s doubling to 30 s, over again after 30 s up', () => {
    const b = new Backoff(GATEWAY_PROCESS_BACKOFF);
    expect(waits(b, 4)).toEqual([100, 200, 400, 800]);
    expect(waits(b, 20).at(-1)).toBe(30_000);
    expect(b.next(30_001)).toBe(100);
  });
});
