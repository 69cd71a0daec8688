// The event stream: access entries in order with ids, resume with Last-Event-ID, filters, heartbeats, and a slow
// client losing the oldest frames with a 'dropped' notice instead of growing the server's memory.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeRuntime } from '../host/fake-runtime.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { startHarness, type Harness } from './api-client.js';
import { openSse, type Frame, type SseReader } from './sse-reader.js';
import { SseClient } from '../../src/control/sse.js';
import { EventHub } from '../../src/host/event-hub.js';

let h: Harness;
let project: TempDir;
const readers: SseReader[] = [];
let appUrl: string;

beforeEach(async () => {
  h = await startHarness({ createRuntime: (s) => createFakeRuntime(s) }, { heartbeatMs: 50 });
  project = await makeTempDir('gantry-project-');
  await h.api('POST', '/api/apps', { folder: project.path, id: 'web', detect: false, importPyproject: false, settings: { app: 'x:application' } });
  await h.api('POST', '/api/apps', { folder: project.path, id: 'other', detect: false, importPyproject: false, settings: { app: 'x:application' } });
  const started = await h.api('POST', '/api/apps/web/start', {});
  expect(started.body.state).toBe('running');
  appUrl = started.body.urls[0];
});
afterEach(async () => {
  for (const r of readers.splice(0)) await r.close();
  await h.close();
  await project.remove();
});

const sse = async (query = '', headers: Record<string, string> = {}): Promise<SseReader> => {
  const r = await openSse(`${h.server.url}/api/events${query}`, { authorization: `Bearer ${h.server.token}`, ...headers });
  readers.push(r);
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
  it('is sent a dropped notice instead of the server queueing without bound, then the newest events', async () => {
    const h2 = await startHarness({}, { sseMaxBuffered: 5 });
    try {
      const stream = await openSse(`${h2.server.url}/api/events?types=notice`, { authorization: `Bearer ${h2.server.token}` }, { paused: true });
      const big = 'x'.repeat(16 * 1024);
      let last = 0;
      // ~48 MB: far past what the socket buffers hold while the client does not read.
      for (let i = 0; i < 3000; i++) last = h2.host.hub.publish('notice', null, { code: 'GANTRY_ERR_INTERNAL', message: big, time: i }).id;
      stream.resume();
      const frames = await stream.until((f) => f.some((x) => x.data.id === last));
      const dropped = frames.filter((f) => f.event === 'dropped');
      expect(dropped.length).toBeGreaterThan(0);
      expect(dropped[0]!.data.data).toMatchObject({ reason: 'slow-client' });
      expect(dropped[0]!.data.data.count).toBeGreaterThan(1000);
      const ids = frames.filter((f) => f.event === 'notice').map((f) => Number(f.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids.length + dropped.reduce((n, d) => n + d.data.data.count, 0)).toBe(3000);
      await stream.close();
    } finally {
      await h2.close();
    }
  });
});

describe('SseClient back-pressure', () => {
  class SlowSink extends EventEmitter {
    writes: string[] = [];
    writable = true;
    write(chunk: string): boolean {
      this.writes.push(chunk);
      return this.writable;
    }
  }

  it('buffers up to its bound while the socket is full, drops the oldest, then says so', () => {
    const sink = new SlowSink();
    const client = new SseClient(sink, { maxBuffered: 3, coalesceMs: 0 });
    const ev = (id: number) => ({ id, type: 'notice' as const, appId: null, time: 0, data: { code: 'GANTRY_ERR_INTERNAL' as const, message: `m${id}`, time: 0 } });
    sink.writable = false;
    client.send(ev(1)); // written; the sink reports full
    for (let id = 2; id <= 10; id++) client.send(ev(id));
    expect(client.buffered).toBe(3); // bounded
    expect(sink.writes).toHaveLength(1);
    sink.writable = true;
    sink.emit('drain');
    const frames = sink.writes.slice(1);
    expect(frames[0]).toMatch(/^event: dropped\n/);
    expect(JSON.parse(frames[0]!.split('data: ')[1]!).data).toEqual({ count: 6, fromId: 2, toId: 7, reason: 'slow-client' });
    expect(frames.slice(1).map((f) => /^id: (\d+)/.exec(f)![1])).toEqual(['8', '9', '10']);
    expect(client.buffered).toBe(0);
  });
});
