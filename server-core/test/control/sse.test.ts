// The event stream: access entries in order with ids, resume with Last-Event-ID, filters, heartbeats; a slow client
// caught up from the Host's ring (nothing queued per client), and one that stops reading dropped past its budget.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeRuntime } from '../host/fake-runtime.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { addApp, harnessPerTest, harnessScope } from './api-client.js';
import { cleanupPerTest } from '../helpers/per-test.js';
import { openSse, untilAccepted, howItEnds, type Frame, type SseReader } from './sse-reader.js';
import { SseClient } from '../../src/control/sse.js';
import { EventHub } from '../../src/host/event-hub.js';

const project = tempDirScope('gantry-project-');
const h = harnessScope({ createRuntime: (s) => createFakeRuntime(s) }, { heartbeatMs: 50 }, 'each');
const defer = cleanupPerTest();
const startHarness = harnessPerTest();
let appUrl: string;

beforeEach(async () => {
  await addApp(h, project.path, 'web');
  await addApp(h, project.path, 'other');
  const started = await h.api('POST', '/api/apps/web/start', {});
  expect(started.body.state).toBe('running');
  appUrl = started.body.urls[0];
});

const sse = async (query = '', headers: Record<string, string> = {}): Promise<SseReader> => {
  const r = await openSse(`${h.server.url}/api/events${query}`, { authorization: `Bearer ${h.server.token}`, ...headers });
  defer(() => r.close());
  return r;
};
const access = (frames: readonly Frame[]) => frames.filter((f) => f.event === 'access');

describe('SSE /api/events', () => {
  it('delivers access entries in request order, with increasing ids', async () => {
    const stream = await sse('?types=access');
    for (let i = 0; i < 20; i++) expect((await fetch(`${appUrl}item/${i}`, { headers: { 'x-request-id': `r${i}` } })).status).toBe(200);
    const frames = await stream.until((f) => access(f).length >= 20);
    expect(access(frames).map((f) => f.data.data.path)).toEqual(Array.from({ length: 20 }, (_, i) => `/item/${i}`));
    const ids = frames.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(frames[0]!.data).toMatchObject({ type: 'access', appId: 'web', data: { requestId: 'r0', status: 200, method: 'GET' } });
  });

  it('resumes after Last-Event-ID with exactly the missed events', async () => {
    const first = await sse('?types=access');
    for (let i = 0; i < 5; i++) await fetch(`${appUrl}a/${i}`);
    const seen = await first.until((f) => access(f).length >= 5);
    const lastId = seen[2]!.id!; // pretend the client saw only three
    await first.close();
    for (let i = 5; i < 8; i++) await fetch(`${appUrl}a/${i}`);
    const resumed = await sse('?types=access', { 'last-event-id': lastId });
    const got = await resumed.until((f) => access(f).length >= 5);
    expect(access(got).map((f) => f.data.data.path)).toEqual(['/a/3', '/a/4', '/a/5', '/a/6', '/a/7']);
    // ?lastEventId= works the same for clients that cannot set headers.
    const viaQuery = await sse(`?types=access&lastEventId=${lastId}&token=${h.server.token}`);
    expect(access(await viaQuery.until((f) => access(f).length >= 5)).map((f) => f.data.data.path)[0]).toBe('/a/3');
  });

  it('filters by app and type; status changes and app events arrive too', async () => {
    const onlyOther = await sse('?apps=other&types=status,app-event');
    const all = await sse('?types=status');
    await fetch(`${appUrl}x`);
    await h.api('POST', '/api/apps/other/start', {});
    const frames = await onlyOther.until((f) => f.some((x) => x.event === 'status' && x.data.data.state === 'running'));
    expect(frames.every((f) => f.data.appId === 'other')).toBe(true);
    expect(frames.some((f) => f.event === 'app-event' && f.data.data.type === 'state')).toBe(true);
    await all.until((f) => f.some((x) => x.data.appId === 'other' && x.data.data.state === 'running'));
    expect(all.frames.every((f) => f.event === 'status')).toBe(true);
    const bad = await fetch(`${h.server.url}/api/events?types=nope`, { headers: { authorization: `Bearer ${h.server.token}` } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).details.field).toBe('query.types.0');
  });

  it('sends heartbeats while idle', async () => {
    const stream = await sse();
    await stream.until(() => stream.comments.includes('hb'));
    expect(stream.comments).toContain('hb');
  });

  it('a resume older than the ring says how many events were lost', async () => {
    const hub = new EventHub(3);
    for (let i = 0; i < 6; i++) hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: String(i), time: 0 });
    const { events, missed } = hub.since(1);
    expect(missed).toEqual({ fromId: 2, toId: 3 });
    expect(events.map((e) => e.id)).toEqual([4, 5, 6]);
    expect(hub.since(6).events).toEqual([]);
    expect(hub.since(6).missed).toBeNull();
    // A Last-Event-ID from before a server restart (higher than anything here): replay all that is held.
    expect(hub.since(999).events.map((e) => e.id)).toEqual([4, 5, 6]);
  });
});

describe('a slow client over real HTTP', () => {
  it('is caught up from the ring when it reads again: every event, in order, nothing queued for it meanwhile', async () => {
    const slow = await openSse(`${h.server.url}/api/events?types=notice`, { authorization: `Bearer ${h.server.token}` }, { paused: true });
    defer(() => slow.close());
    const text = 'x'.repeat(1024);
    const first = h.host.hub.latestId + 1;
    let last = 0;
    // ~3 MB: far past what the socket buffers hold while the client does not read, within its 8 MB budget.
    for (let i = 0; i < 3000; i++) last = h.host.hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: text, time: i }).id;
    slow.resume();
    const frames = await slow.until((f) => f.some((x) => Number(x.id) === last));
    expect(frames.filter((f) => f.event === 'dropped')).toEqual([]);
    expect(frames.filter((f) => f.event === 'notice').map((f) => Number(f.id))).toEqual(Array.from({ length: 3000 }, (_, i) => first + i));
  });
});

describe('the subscriber cap', () => {
  it('holds 16 subscribers by default and refuses the 17th: each held one that never reads costs the Host the few MB the kernel takes for it', async () => {
    const open = await Promise.all(Array.from({ length: 16 }, () => sse('?types=notice')));
    const refused = await fetch(`${h.server.url}/api/events?types=notice`, { headers: { authorization: `Bearer ${h.server.token}` } });
    expect(refused.status).toBe(503);
    expect((await refused.json()).code).toBe('GANTRY_ERR_TOO_MANY_STREAMS');
    await open[0]!.close();
    // A place that frees is taken again.
    const next = await untilAccepted(`${h.server.url}/api/events?types=notice`, { authorization: `Bearer ${h.server.token}` });
    await next.close();
  });
});

describe('a subscriber that stops reading', () => {
  it('is disconnected once what it left unread passes its 8 MB budget, even when each event is small; it resumes where it was', async () => {
    const h2 = await startHarness({}, { sseMaxClients: 1 });
    const auth = { authorization: `Bearer ${h2.server.token}` };
    const url = `${h2.server.url}/api/events?types=notice`;
    const stalled = await openSse(url, auth, { paused: true });
    const first = h2.host.hub.latestId + 1;
    let last = 0;
    // 10,000 notices of ~2 KB: 20 MB, past what loopback socket buffers hold and the budget, each far smaller than it.
    for (let i = 0; i < 10_000; i++)
      last = h2.host.hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: `m${i} ${'y'.repeat(2000)}`, time: i }).id;
    // The only slot is taken until the server drops the stalled client.
    const next = await untilAccepted(url, auth);
    await next.close();
    stalled.resume();
    const how = await howItEnds(stalled);
    expect(how).toMatch(/stream ended/);
    const ids = stalled.frames.filter((f) => f.event === 'notice').map((f) => Number(f.id));
    expect(stalled.frames.filter((f) => f.event === 'dropped')).toEqual([]);
    expect(ids.length).toBeLessThan(10_000);
    expect(ids).toEqual(ids.map((_, i) => first + i)); // a prefix, then the end: nothing skipped silently
    const lastSeen = ids.at(-1) ?? first - 1;
    // The reader closed above frees the only slot once the server sees it go: wait on its answer.
    const resumed = await untilAccepted(url, { ...auth, 'last-event-id': String(lastSeen) });
    const rest = await resumed.until((f) => f.some((x) => Number(x.id) === last));
    expect(rest.filter((f) => f.event === 'notice').map((f) => Number(f.id))).toEqual(
      Array.from({ length: last - lastSeen }, (_, i) => lastSeen + 1 + i),
    );
    await resumed.close();
    await stalled.close();
  });
});

describe('SseClient back-pressure', () => {
  class SlowSink extends EventEmitter {
    writes: string[] = [];
    writable = true;
    write(chunk: string | Uint8Array): boolean {
      this.writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return this.writable;
    }
  }

  it('looks at no event while the socket is full, then catches up from the ring in order', () => {
    const sink = new SlowSink();
    const hub = new EventHub();
    const client = new SseClient(sink, hub, { coalesceMs: 0 });
    client.start();
    hub.subscribe((e) => client.send(e));
    const notice = (i: number) => hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: `m${i}`, time: 0 });
    sink.writable = false;
    notice(1); // written; the sink reports full
    const wants = vi.spyOn(client, 'wants');
    for (let i = 2; i <= 1000; i++) notice(i);
    expect(wants).not.toHaveBeenCalled(); // a stalled subscriber costs nothing per event
    expect(sink.writes).toHaveLength(1);
    sink.writable = true;
    sink.emit('drain');
    const ids = sink.writes
      .join('')
      .match(/^id: \d+$/gm)!
      .map((l) => Number(l.slice(4)));
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    notice(1001); // live again
    expect(sink.writes.at(-1)).toMatch(/^id: 1001\n/);
  });

  // A sink whose socket holds what it was handed once full (writableLength), and that can be cut (destroy).
  class HoldingSink extends SlowSink {
    held = 0;
    destroyed = false;
    get writableLength(): number {
      return this.held;
    }
    override write(chunk: string | Uint8Array): boolean {
      if (!this.writable) this.held += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return super.write(chunk);
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  it('64 stalled plain subscribers with the same filters have their budget added up once, and are dropped at it', () => {
    vi.useFakeTimers();
    try {
      const hub = new EventHub();
      // Counts what the subscribers read from the ring while their sockets are full.
      let scanned = 0;
      const source = {
        get latestId() {
          return hub.latestId;
        },
        since(afterId: number, limit?: number) {
          const r = hub.since(afterId, limit);
          scanned += r.events.length;
          return r;
        },
        subscribe: (l: Parameters<EventHub['subscribe']>[0]) => hub.subscribe(l),
      };
      const sinks = Array.from({ length: 64 }, () => new HoldingSink());
      const clients = sinks.map((sink) => new SseClient(sink, source, { maxBufferedBytes: 200_000, types: ['notice'] }));
      for (const c of clients) c.start();
      const notice = (i: number) =>
        hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: `m${i} ${'z'.repeat(900)}`, time: 0 });
      for (const sink of sinks) sink.writable = false;
      notice(0);
      vi.advanceTimersByTime(60); // the group's write: every socket reports full
      scanned = 0;
      // ~1 KB each: 100 past the budget of 200 KB per check, 4 checks a second.
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 100; i++) notice(i);
        vi.advanceTimersByTime(250);
      }
      // Past the budget and a second without progress: all dropped, each resumable after the event it was handed.
      for (let i = 0; i < 100; i++) notice(i);
      vi.advanceTimersByTime(1250);
      expect(sinks.filter((s) => s.destroyed)).toHaveLength(64);
      for (const c of clients) expect(c.overBudgetAt).toBe(1);
      // Each event was read once for all 64, not once per subscriber (64 × 900 events).
      expect(scanned).toBeLessThan(2 * 900);
    } finally {
      vi.useRealTimers();
    }
  });

  it('plain subscribers with the same filters share each interval: one pass per event, the same bytes to each', () => {
    vi.useFakeTimers();
    try {
      const hub = new EventHub();
      const sinks = [new SlowSink(), new SlowSink(), new SlowSink()];
      const clients = sinks.map((sink) => new SseClient(sink, hub, { coalesceMs: 50, types: ['notice'] }));
      for (const c of clients) {
        c.start();
        hub.subscribe((e) => c.send(e));
      }
      const spies = clients.map((c) => vi.spyOn(c, 'wants'));
      const notice = (i: number) => hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: `m${i}`, time: 0 });
      const ids = (sink: SlowSink) => (sink.writes.join('').match(/^id: \d+$/gm) ?? []).map((l) => Number(l.slice(4)));
      for (let i = 1; i <= 100; i++) {
        notice(i);
        hub.publish('status', null, { apps: [] } as never); // filtered out, once for all
      }
      vi.advanceTimersByTime(60);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled(); // no per-subscriber work per event
      const odd = Array.from({ length: 100 }, (_, i) => 2 * i + 1);
      for (const sink of sinks) expect(ids(sink)).toEqual(odd);
      expect(sinks[1]!.writes).toEqual(sinks[0]!.writes);
      // One subscriber's socket fills: it leaves, the others go on; once it drains it catches up, in order, once.
      sinks[2]!.writable = false;
      notice(101);
      vi.advanceTimersByTime(60);
      for (let i = 102; i <= 150; i++) notice(i);
      vi.advanceTimersByTime(60);
      const all = [...odd, 201, ...Array.from({ length: 49 }, (_, i) => 202 + i)];
      expect(ids(sinks[0]!)).toEqual(all);
      expect(ids(sinks[2]!)).toEqual([...odd, 201]);
      sinks[2]!.writable = true;
      sinks[2]!.emit('drain');
      vi.advanceTimersByTime(60);
      expect(ids(sinks[2]!)).toEqual(all);
      notice(151); // and it is live with the others again
      vi.advanceTimersByTime(60);
      for (const sink of sinks) expect(ids(sink).at(-1)).toBe(251);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a client resuming through more than its budget is not dropped for that backlog while it reads', () => {
    vi.useFakeTimers();
    try {
      const hub = new EventHub();
      const big = 'z'.repeat(16 * 1024);
      // 2 MB published before the client connects: 8 times its budget.
      for (let i = 0; i < 128; i++) hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: big, time: i });
      const sink = new HoldingSink();
      const client = new SseClient(sink, hub, { coalesceMs: 0, maxBufferedBytes: 256 * 1024 });
      sink.writable = false; // the first write fills the socket
      client.start(0);
      hub.subscribe((e) => client.send(e));
      // One write's worth is handed over, not megabytes (a flat size guess for unserialised events put 1.9 MB in one write).
      expect(sink.held).toBeLessThan(128 * 1024);
      vi.advanceTimersByTime(1000); // budget checks while the socket is full
      expect(sink.destroyed).toBe(false);
      // It reads: the rest of the backlog follows, in order.
      while (!sink.destroyed && sink.writable === false) {
        sink.held = 0;
        sink.emit('drain');
        if ((sink.writes.join('').match(/^id: /gm) ?? []).length >= 128) break;
        vi.advanceTimersByTime(300);
      }
      expect(sink.destroyed).toBe(false);
      const ids = sink.writes
        .join('')
        .match(/^id: \d+$/gm)!
        .map((l) => Number(l.slice(4)));
      expect(ids).toEqual(Array.from({ length: 128 }, (_, i) => i + 1));
      // What is published while it is connected and left unread still counts: past the budget, it is dropped.
      for (let i = 0; i < 32; i++) hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: big, time: i });
      vi.advanceTimersByTime(1000);
      expect(sink.destroyed).toBe(true);
      expect(client.overBudgetAt).toBe(128);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a client catching up a backlog larger than its budget is kept while it reads, cut off once it stops', () => {
    // A reader resuming after 32 MB was disconnected as soon as its socket first filled, though it was reading.
    vi.useFakeTimers();
    try {
      const sink = Object.assign(new SlowSink(), { writableLength: 0, destroyed: false, destroy: () => (sink.destroyed = true) });
      const hub = new EventHub();
      const big = (i: number) => hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: `${i} ${'z'.repeat(4096)}`, time: 0 });
      for (let i = 1; i <= 200; i++) big(i);
      const client = new SseClient(sink, hub, { coalesceMs: 0, maxBufferedBytes: 64 * 1024 });
      sink.writable = false; // the socket fills at the first write of the catch-up
      sink.writableLength = 80_000;
      client.start(0);
      hub.subscribe((e) => client.send(e));
      for (let tick = 0; tick < 4; tick++) {
        sink.writableLength -= 10_000; // the client takes bytes between looks
        vi.advanceTimersByTime(250);
      }
      expect(sink.destroyed).toBe(false);
      sink.writable = true;
      sink.writableLength = 0;
      sink.emit('drain');
      const ids = sink.writes
        .join('')
        .match(/^id: \d+$/gm)!
        .map((l) => Number(l.slice(4)));
      expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      // Full again, more arrives, and the client takes nothing for a whole look: cut off.
      sink.writable = false;
      sink.writableLength = 20_000;
      for (let i = 201; i <= 240; i++) big(i);
      vi.advanceTimersByTime(1500);
      expect(sink.destroyed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
