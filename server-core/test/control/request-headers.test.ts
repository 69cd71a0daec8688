// Request and response headers of each request, for the UI's request drawer: kept by reference on the request
// path, turned into objects only when one request is read through the API, credentials masked, bounded.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../src/control/contract.js';
import { HEADER_MASK, HEADERS_REF, HeaderKeeper, headersToView, isSensitiveHeader, withHeaderView } from '../../src/logging/header-keeper.js';
import type { AccessEntry } from '../../src/runtime/types.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startHarness, type Harness } from './api-client.js';
import { openSse } from './sse-reader.js';

const entry = (requestId: string): AccessEntry => ({
  time: 0, app: 'a', requestId, method: 'GET', path: '/', query: '', protocol: 'HTTP/1.1', status: 200, bytes: 0, durationMs: 1, workerPid: 1, remoteAddr: '127.0.0.1', userAgent: '', referer: '',
});

describe('header keeper', () => {
  it('masks credentials (same mask as secret env values), keeps the rest, joins repeats, trims huge values', () => {
    expect(HEADER_MASK).toBe(SECRET_MASK);
    for (const n of ['Cookie', 'set-cookie', 'Authorization', 'Proxy-Authorization', 'X-Api-Key', 'X-CSRF-Token', 'X-Session-Id', 'X-Auth-Token']) expect(isSensitiveHeader(n), n).toBe(true);
    for (const n of ['Content-Type', 'User-Agent', 'X-Request-ID', 'Accept', 'Sec-Fetch-Mode']) expect(isSensitiveHeader(n), n).toBe(false);
    const view = headersToView(['Host', 'x', 'Authorization', 'Bearer abc.def', 'Cookie', 'sid=1', 'Accept', 'a', 'accept', 'b', 'X-Long', 'y'.repeat(5000)]);
    expect(view).toMatchObject({ Host: 'x', Authorization: `Bearer ${SECRET_MASK}`, Cookie: SECRET_MASK, Accept: 'a, b' });
    expect(view['X-Long']).toMatch(/… \(5000 characters\)$/);
    expect(JSON.stringify(view)).not.toContain('abc.def');
  });

  it('keeps references only within its budget; never serialised with the entry', () => {
    const keeper = new HeaderKeeper(3, 1_000_000);
    const entries = ['a', 'b', 'c', 'd'].map(entry);
    for (const e of entries) keeper.keep(e, ['Host', e.requestId], ['Content-Type', 'text/plain']);
    expect(keeper.held.entries).toBe(3);
    expect(withHeaderView(entries[0]!).requestHeaders).toBeUndefined(); // evicted: "not recorded"
    expect(withHeaderView(entries[3]!)).toMatchObject({ requestHeaders: { Host: 'd' }, responseHeaders: { 'Content-Type': 'text/plain' } });
    expect(JSON.stringify(entries[3])).not.toContain('Host');
    expect(({ ...entries[3]! } as { [HEADERS_REF]?: unknown })[HEADERS_REF]).toBeDefined(); // the Host's ring copies share it

    const small = new HeaderKeeper(100, 50);
    const big = entries.map((e) => ({ ...e }));
    for (const e of big) small.keep(e, ['X', 'y'.repeat(30)], null);
    expect(small.held.entries).toBe(1);
    expect(small.held.bytes).toBeLessThanOrEqual(50);
  });
});

describe('GET /api/apps/:id/requests/:requestId with real workers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoFolder: join(REPO_ROOT, 'app', 'examples', 'hello') });
  });
  afterAll(() => h.close());

  it('the access entry says where the time went: queue, app, first byte, transfer', async () => {
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const res = await fetch(new URL('/slow?ms=150', started.body.urls[0]));
    await res.text();
    const requestId = res.headers.get('x-request-id')!;
    const detail = await h.api('GET', `/api/apps/hello-demo/requests/${encodeURIComponent(requestId)}`);
    const e = detail.body.entry;
    expect(e.timing.appMs).toBeGreaterThanOrEqual(150);
    expect(e.timing.queueMs).toBeGreaterThanOrEqual(0);
    expect(e.timing.transferMs).toBeGreaterThanOrEqual(0);
    expect(e.timing.ttfbMs).toBeCloseTo(e.timing.queueMs + e.timing.appMs, 6);
    expect(e.timing.ttfbMs + e.timing.transferMs).toBeCloseTo(e.durationMs, 6);
  });

  it('shows both header sets, credentials masked; lists and live events carry none', async () => {
    const stream = await openSse(`${h.server.url}/api/events?apps=hello-demo&types=access`, { authorization: `Bearer ${h.server.token}` });
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const res = await fetch(new URL('/json?x=1', started.body.urls[0]), {
      headers: { Cookie: 'sessionid=s3cr3t-cookie', Authorization: 'Basic dXNlcjpodW50ZXIy', 'X-Api-Key': 'k3y-value', 'X-Trace': 'visible' },
    });
    await res.text();
    const requestId = res.headers.get('x-request-id')!;
    const frames = await stream.until((f) => f.some((x) => x.data.data.requestId === requestId));
    await stream.close();

    const detail = await h.api('GET', `/api/apps/hello-demo/requests/${encodeURIComponent(requestId)}`);
    const e = detail.body.entry;
    expect(e.requestHeaders).toMatchObject({ Cookie: SECRET_MASK, Authorization: `Basic ${SECRET_MASK}`, 'X-Api-Key': SECRET_MASK, 'X-Trace': 'visible' });
    expect(Object.keys(e.responseHeaders).map((k) => k.toLowerCase())).toEqual(expect.arrayContaining(['content-type', 'x-request-id']));
    const text = JSON.stringify(detail.body);
    for (const secret of ['s3cr3t-cookie', 'dXNlcjpodW50ZXIy', 'k3y-value']) expect(text).not.toContain(secret);

    const live = frames.find((x) => x.data.data.requestId === requestId)!.data.data;
    expect(live.requestHeaders).toBeUndefined();
    const list = await h.api('GET', `/api/apps/hello-demo/access?requestId=${encodeURIComponent(requestId)}`);
    expect(list.body.items[0].requestHeaders).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain('s3cr3t');
  });
});
