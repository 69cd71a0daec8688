// Quitting is bounded: a Host whose graceful stop hangs is force-killed after the limit, and the process
// exits even when killing hangs too. One test uses a real Python process that ignores SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { QuitController, stopEverything, type StoppableHost } from '../src/quit-sequence.js';

const never = <T>(): Promise<T> => new Promise<T>(() => {});
const limits = { gracefulMs: 150, forceMs: 100 };

function fakeHost(stop: () => Promise<void>, kill: () => Promise<void>) {
  const calls: string[] = [];
  const host: StoppableHost = {
    stopAll: () => (calls.push('stopAll'), stop()),
    killAll: () => (calls.push('killAll'), kill()),
  };
  return { host, calls };
}

describe('stopEverything', () => {
  it('graceful: a Host that stops in time is not killed', async () => {
    const { host, calls } = fakeHost(
      async () => {},
      async () => {},
    );
    expect(await stopEverything(host, limits)).toEqual({ kind: 'graceful' });
    expect(calls).toEqual(['stopAll']);
  });

  it('forced: a Host whose stop hangs is killed once the graceful limit passes, not before', async () => {
    const { host, calls } = fakeHost(never, async () => {});
    const started = Date.now();
    const outcome = await stopEverything(host, limits);
    const elapsed = Date.now() - started;
    expect(outcome.kind).toBe('forced');
    expect(calls).toEqual(['stopAll', 'killAll']);
    expect(elapsed).toBeGreaterThanOrEqual(limits.gracefulMs - 5);
    expect(elapsed).toBeLessThan(limits.gracefulMs + 1000);
  });

  it('forced: a stop that fails goes straight to kill', async () => {
    const { host, calls } = fakeHost(
      () => Promise.reject(new Error('boom')),
      async () => {},
    );
    const outcome = await stopEverything(host, { gracefulMs: 60_000, forceMs: 100 });
    expect(outcome).toMatchObject({ kind: 'forced', reason: expect.stringContaining('boom') });
    expect(calls).toEqual(['stopAll', 'killAll']);
  });

  it('forced: a stop that throws synchronously is handled like a failed one', async () => {
    const host: StoppableHost = {
      stopAll: () => {
        throw new Error('sync');
      },
      killAll: async () => {},
    };
    expect((await stopEverything(host, limits)).kind).toBe('forced');
  });

  it('abandoned: when kill hangs too, it still returns within both limits', async () => {
    const { host } = fakeHost(never, never);
    const started = Date.now();
    const outcome = await stopEverything(host, limits);
    expect(outcome.kind).toBe('abandoned');
    expect(Date.now() - started).toBeLessThan(limits.gracefulMs + limits.forceMs + 1000);
  });
});

describe('QuitController', () => {
  it('runs once however often quit is asked for, then exits', async () => {
    const { host, calls } = fakeHost(
      async () => {},
      async () => {},
    );
    const exits: number[] = [];
    const q = new QuitController(
      () => host,
      (code) => exits.push(code),
      limits,
    );
    expect(q.done).toBe(false);
    const [a, b, c] = [q.request(), q.request(), q.request()];
    expect(q.inProgress).toBe(true);
    await Promise.all([a, b, c]);
    expect(calls).toEqual(['stopAll']);
    expect(exits).toEqual([0]);
    expect(q.done).toBe(true);
    expect(q.inProgress).toBe(false);
  });

  it('exits with 1 when even killing overran, and says why', async () => {
    const { host } = fakeHost(never, never);
    const exits: number[] = [];
    const lines: string[] = [];
    const q = new QuitController(
      () => host,
      (code) => exits.push(code),
      limits,
      (l) => lines.push(l),
    );
    await q.request();
    expect(exits).toEqual([1]);
    expect(lines.join('\n')).toMatch(/abandoned: graceful stop took longer than 150 ms; kill took longer than 100 ms/);
  });

  it('exits at once when the Host never started', async () => {
    const exits: number[] = [];
    await new QuitController(
      () => null,
      (code) => exits.push(code),
      limits,
    ).request();
    expect(exits).toEqual([0]);
  });
});

describe('no Python process survives', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('a worker that ignores SIGTERM is killed after the graceful limit', async () => {
    // Stands in for a Python worker stuck in a request that ignores the graceful stop signal.
    child = spawn(
      'python3',
      ['-c', 'import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(600)\n'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(child.stdout!, 'data');
    const proc = child;
    const exited = once(proc, 'exit');
    const host: StoppableHost = {
      stopAll: async () => {
        proc.kill('SIGTERM');
        await exited; // hangs: the worker ignores SIGTERM
      },
      killAll: async () => {
        proc.kill('SIGKILL');
        await exited;
      },
    };
    const outcome = await stopEverything(host, { gracefulMs: 300, forceMs: 2000 });
    expect(outcome.kind).toBe('forced');
    expect(proc.signalCode).toBe('SIGKILL');
    expect(() => process.kill(proc.pid!, 0)).toThrow(/ESRCH/);
  });
});
