// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, openEventStream, type StreamState } from './event-stream';

/** A fake server: each fetch gets a stream the test writes to and ends. */
function fakeServer() {
  const calls: Array<{ headers: Record<string, string>; write: (s: string) => void; end: () => void; fail: () => void }> = [];
  let status = 200;
  const fetchImpl = vi.fn(async (_url: unknown, init?: RequestInit) => {
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctrl = c) });
    const enc = new TextEncoder();
    calls.push({
      headers: { ...(init?.headers as Record<string, string>) },
      write: (s) => ctrl.enqueue(enc.encode(s)),
      end: () => ctrl.close(),
      fail: () => ctrl.error(new Error('reset')),
    });
    init?.signal?.addEventListener('abort', () => {
      try {
        ctrl.error(new DOMException('aborted', 'AbortError'));
      } catch {
        /* already closed */
      }
    });
    return new Response(status === 200 ? body : null, { status });
  });
  return { fetchImpl, calls, setStatus: (s: number) => void (status = s) };
}

// setImmediate is not faked: it lets fetch and stream promises settle.
const tick = () =>
  new Promise((r) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(() => r(undefined)));

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the maximum', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, 500, 8000, mid))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});

describe('openEventStream', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('reconnects after the stream drops, sending Last-Event-ID of the last event seen', async () => {
    const server = fakeServer();
    const got: string[] = [];
    const states: StreamState[] = [];
    const s = openEventStream({
      url: 'http://x/api/events',
      headers: { authorization: 'Bearer t' },
      fetch: server.fetchImpl as never,
      onMessage: (m) => got.push(m.data),
      onState: (st) => states.push(st),
      initialDelayMs: 100,
    });
    await tick();
    expect(server.calls[0]!.headers['last-event-id']).toBeUndefined();
    expect(server.calls[0]!.headers.authorization).toBe('Bearer t');
    server.calls[0]!.write('id: 41\ndata: a\n\nid: 42\ndata: b\n\n');
    await tick();
    server.calls[0]!.fail();
    await tick();
    expect(states.at(-1)).toBe('reconnecting');
    expect(server.fetchImpl).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(server.fetchImpl).toHaveBeenCalledTimes(2);
    expect(server.calls[1]!.headers['last-event-id']).toBe('42');
    server.calls[1]!.write('id: 43\ndata: c\n\n');
    await tick();
    expect(got).toEqual(['a', 'b', 'c']);
    expect(states).toContain('open');
    s.close();
  });

  it('backs off longer after each failed attempt and resets after a successful open', async () => {
    const server = fakeServer();
    server.setStatus(503);
    const delays: number[] = [];
    const s = openEventStream({
      url: 'u',
      fetch: server.fetchImpl as never,
      onMessage: () => {},
      onState: (st, d) => st === 'reconnecting' && delays.push(d!.delayMs!),
      initialDelayMs: 100,
      maxDelayMs: 1000,
    });
    await tick();
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1300);
    expect(delays.length).toBeGreaterThanOrEqual(4);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1200);
    server.setStatus(200);
    await vi.advanceTimersByTimeAsync(1300);
    const opened = server.calls.at(-1)!;
    opened.end();
    await tick();
    expect(delays.at(-1)!).toBeLessThanOrEqual(120); // back to the initial delay
    s.close();
  });

  it('stops for good on 401 instead of retrying a bad token', async () => {
    const server = fakeServer();
    server.setStatus(401);
    const states: StreamState[] = [];
    openEventStream({ url: 'u', fetch: server.fetchImpl as never, onMessage: () => {}, onState: (st) => states.push(st) });
    await tick();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.fetchImpl).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toBe('closed');
  });

  it('close() stops delivery and cancels a scheduled reconnect', async () => {
    const server = fakeServer();
    const got: string[] = [];
    const s = openEventStream({ url: 'u', fetch: server.fetchImpl as never, onMessage: (m) => got.push(m.data), initialDelayMs: 100 });
    await tick();
    server.calls[0]!.end();
    await tick();
    s.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.fetchImpl).toHaveBeenCalledTimes(1);
    expect(s.state).toBe('closed');
  });
});
