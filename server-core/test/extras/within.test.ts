import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src/timer-ms.js';
import { TIMED_OUT, within } from '../../src/within.js';
import { Host } from '../../src/host/host.js';

describe('within', () => {
  it('gives the value when the work wins', async () => {
    expect(await within(Promise.resolve(7), 1_000)).toBe(7);
  });

  it('passes a rejection on', async () => {
    await expect(within(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
  });

  it('answers TIMED_OUT when the work never settles', async () => {
    expect(await within(new Promise<never>(() => {}), 5)).toBe(TIMED_OUT);
  });

  it('treats a bound past the timer maximum as "not yet", not as 1 ms', async () => {
    let settle!: (v: string) => void;
    const work = new Promise<string>((r) => (settle = r));
    const raced = within(work, MAX_TIMER_MS * 10);
    // A second, short timer: the overflowed bound would have fired after 1 ms, before this one.
    await new Promise<void>((r) => setTimeout(r, 20));
    settle('done');
    expect(await raced).toBe('done');
  });
});

describe('Host.close bound', () => {
  it('does not force-stop at once when stopTimeoutMs is past the timer maximum', async () => {
    // Host.boundedStop used its own unclamped timer: a bound of 2^31 ms fired after 1 ms and killed the app.
    const calls: boolean[] = [];
    let finish!: () => void;
    const rt = {
      stop: (o: { graceful: boolean }) => {
        calls.push(o.graceful);
        return o.graceful ? new Promise<void>((r) => (finish = r)) : Promise.resolve();
      },
    };
    const bounded = (Host.prototype as unknown as { boundedStop(this: unknown, rt: unknown, ms: number): Promise<void> }).boundedStop;
    const done = bounded.call({}, rt, MAX_TIMER_MS * 2);
    await new Promise<void>((r) => setTimeout(r, 20));
    finish();
    await done;
    expect(calls).toEqual([true]);
  });
});
