// Request and response headers of each request, for the UI's request drawer: kept by reference on the request
// path, turned into objects only when one request is read through the API, credentials masked, bounded.
import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../src/control/contract.js';
import {
  HEADER_MASK,
  HEADERS_REF,
  HeaderKeeper,
  headersToView,
  isSensitiveHeader,
  rawHeadersOf,
  withHeaderView,
} from '../../src/logging/header-keeper.js';
import { AppTelemetry } from '../../src/runtime/app-telemetry.js';
import type { AccessEntry } from '../../src/runtime/types.js';
import { accessEntry } from '../helpers/access-entry.js';
import { DEMO_APP, SYSTEM_PYTHON } from '../helpers/paths.js';
import { freePort } from '../helpers/free-port.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS, until } from '../runtime/harness.js';
import { harnessScope } from './api-client.js';
import { openSse } from './sse-reader.js';

const entry = (requestId: string): AccessEntry => accessEntry({ requestId });

describe('header keeper', () => {
  it('masks credentials (same mask as secret env values), keeps the rest, joins repeats, trims huge values', () => {
    expect(HEADER_MASK).toBe(SECRET_MASK);
    for (const n of [
      'Cookie',
      'set-cookie',
      'Authorization',
      'Proxy-Authorization',
      'X-Api-Key',
      'X-CSRF-Token',
      'X-Session-Id',
      'X-Auth-Token',
    ])
      expect(isSensitiveHeader(n), n).toBe(true);
    for (const n of ['Content-Type', 'User-Agent', 'X-Request-ID', 'Accept', 'Sec-Fetch-Mode']) expect(isSensitiveHeader(n), n).toBe(false);
    const view = headersToView([
      'Host',
      'x',
      'Authorization',
      'Bearer abc.def',
      'Cookie',
      'sid=1',
      'Accept',
      'a',
      'accept',
      'b',
      'X-Long',
      'y'.repeat(5000),
    ]);
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
    expect(small.held.entries).toBe(1); // one entry over the budget is still kept: the newest request's drawer works
  });

  it('is bounded by bytes, not by a count: the whole access history of typical requests, a few huge ones', () => {
    // A typical browser request: ~700 characters of request headers, ~200 of response headers.
    const req = [
      'Host',
      '127.0.0.1:8000',
      'User-Agent',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      'Accept',
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
      'Accept-Language',
      'en-GB,en;q=0.9',
      'Accept-Encoding',
      'gzip, deflate, br',
      'Cookie',
      `sid=${'c'.repeat(200)}`,
      'Referer',
      'http://127.0.0.1:8000/items/42',
      'Sec-Fetch-Mode',
      'navigate',
    ];
    const res = [
      'Content-Type',
      'text/html; charset=utf-8',
      'Content-Length',
      '5120',
      'X-Request-ID',
      'r'.repeat(26),
      'Date',
      'Fri, 04 Dec 2026 18:00:00 GMT',
    ];
    const keeper = new HeaderKeeper();
    const typical = Array.from({ length: 10_000 }, (_, i) => entry(`t${i}`));
    for (const e of typical) keeper.keep(e, req, res);
    expect(keeper.held.entries).toBe(10_000); // main kept the newest 2,000
    expect(withHeaderView(typical[0]!).requestHeaders).toMatchObject({ Host: '127.0.0.1:8000' });
    expect(keeper.held.bytes).toBeLessThanOrEqual(keeper.maxBytes);

    // Huge headers (32 KB each) under a 1 MB budget: the bound is the bytes, with the overheads counted.
    const bounded = new HeaderKeeper(undefined, 1024 * 1024);
    const huge = Array.from({ length: 200 }, (_, i) => entry(`h${i}`));
    for (const e of huge) {
      bounded.keep(e, ['X-Blob', 'z'.repeat(32 * 1024)], ['Content-Type', 'text/plain']);
      expect(bounded.held.bytes).toBeLessThanOrEqual(1024 * 1024);
    }
    const chars = 6 + 32 * 1024 + 12 + 10;
    expect(bounded.held.entries).toBe(Math.floor((1024 * 1024) / (bounded.held.bytes / bounded.held.entries)));
    expect(bounded.held.bytes / bounded.held.entries).toBeGreaterThan(chars); // overheads are counted too
    expect(withHeaderView(huge[199]!).requestHeaders).toBeDefined();
    expect(withHeaderView(huge[0]!).requestHeaders).toBeUndefined();

    // Many header-less-ish small entries: the count grows far past 2,000 while bytes allow it.
    const many = new HeaderKeeper(undefined, 64 * 1024 * 1024);
    for (let i = 0; i < 50_000; i++) many.keep(entry(`m${i}`), ['Host', 'x'], null);
    expect(many.held.entries).toBe(50_000);
  });
});

describe("a runtime's request headers: kept, forwarded, or dropped", () => {
  it('a gateway process only forwards them: its access listeners read them, and it holds none (the primary keeps them)', () => {
    const gauges = () => ({ inFlight: 0, queueDepth: 0, workers: [] });
    const seen = (keeping: 'keep' | 'forward' | 'none') => {
      const telemetry = new AppTelemetry(() => 'a', gauges, keeping);
      const raw: ReturnType<typeof rawHeadersOf>[] = [];
      telemetry.on('access', (e) => raw.push(rawHeadersOf(e)));
      for (const id of ['r1', 'r2']) telemetry.access(entry(id), ['Host', id], ['Content-Type', 'text/plain']);
      return { raw, held: telemetry.headersHeld.entries };
    };
    const both = [
      { req: ['Host', 'r1'], res: ['Content-Type', 'text/plain'] },
      { req: ['Host', 'r2'], res: ['Content-Type', 'text/plain'] },
    ];
    expect(seen('keep')).toEqual({ raw: both, held: 2 });
    expect(seen('forward')).toEqual({ raw: both, held: 0 });
    expect(seen('none')).toEqual({
      raw: [
        { req: null, res: null },
        { req: null, res: null },
      ],
      held: 0,
    });
  });
});

describe('GET /api/apps/:id/requests/:requestId with real workers', () => {
  const h = harnessScope({ demoFolder: DEMO_APP });

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
      headers: {
        Cookie: 'sessionid=s3cr3t-cookie',
        Authorization: 'Basic dXNlcjpodW50ZXIy',
        'X-Api-Key': 'k3y-value',
        'X-Trace': 'visible',
      },
    });
    await res.text();
    const requestId = res.headers.get('x-request-id')!;
    const frames = await stream.until((f) => f.some((x) => x.data.data.requestId === requestId));
    await stream.close();

    const detail = await h.api('GET', `/api/apps/hello-demo/requests/${encodeURIComponent(requestId)}`);
    const e = detail.body.entry;
    expect(e.requestHeaders).toMatchObject({
      Cookie: SECRET_MASK,
      Authorization: `Basic ${SECRET_MASK}`,
      'X-Api-Key': SECRET_MASK,
      'X-Trace': 'visible',
    });
    expect(Object.keys(e.responseHeaders).map((k) => k.toLowerCase())).toEqual(expect.arrayContaining(['content-type', 'x-request-id']));
    const text = JSON.stringify(detail.body);
    for (const secret of ['s3cr3t-cookie', 'dXNlcjpodW50ZXIy', 'k3y-value']) expect(text).not.toContain(secret);

    const live = frames.find((x) => x.data.data.requestId === requestId)!.data.data;
    expect(live.requestHeaders).toBeUndefined();
    const list = await h.api('GET', `/api/apps/hello-demo/access?requestId=${encodeURIComponent(requestId)}`);
    expect(list.body.items[0].requestHeaders).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain('s3cr3t');

    // Asked for (the UI's HAR export): the list carries the same masked headers as the detail.
    const withHeaders = await h.api('GET', `/api/apps/hello-demo/access?requestId=${encodeURIComponent(requestId)}&headers=1`);
    expect(withHeaders.body.items[0].requestHeaders).toEqual(e.requestHeaders);
    expect(withHeaders.body.items[0].responseHeaders).toEqual(e.responseHeaders);
    expect(JSON.stringify(withHeaders.body)).not.toContain('s3cr3t');
    expect((await h.api('GET', '/api/apps/hello-demo/access?headers=yes')).status).toBe(400);
  });

  it('with two gateway processes: the drawer and the HAR export show the headers of requests either of them served', async () => {
    const add = await h.api('POST', '/api/apps', {
      folder: FIXTURE_APPS,
      id: 'sharded',
      detect: false,
      importPyproject: false,
      settings: { app: 'basic:application', python: SYSTEM_PYTHON, bind: [`127.0.0.1:${await freePort()}`] },
      profiles: { dev: { workers: 2, gatewayProcesses: 2, reload: false } },
      activeProfile: 'dev',
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const started = await h.api('POST', '/api/apps/sharded/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    // One connection per request, so the primary deals them to both gateway processes (each has one worker).
    const ids = Array.from({ length: 8 }, (_, i) => `gp-${i}`);
    for (const id of ids) {
      const r = await fetchRaw(`${started.body.urls[0]}/`, {
        headers: { 'X-Request-ID': id, Cookie: 'sessionid=s3cr3t-cookie', 'X-Trace': id },
      });
      expect(r.status).toBe(200);
    }
    const served = new Set<number>();
    for (const id of ids) {
      // Entries cross from the gateway processes in batches (within 20 ms): wait for each, not for a time.
      // (The drawer's route answers 200 with `entry: null` for a request it has not seen yet.)
      await until(async () => (await h.api('GET', `/api/apps/sharded/requests/${id}`)).body.entry != null, 10_000, `the entry of ${id}`);
      const detail = await h.api('GET', `/api/apps/sharded/requests/${id}`);
      expect(detail.status, JSON.stringify(detail.body)).toBe(200);
      expect(detail.body.entry.requestHeaders).toMatchObject({ Cookie: SECRET_MASK, 'X-Trace': id });
      expect(detail.body.entry.responseHeaders).toMatchObject({ 'X-Request-ID': id });
      served.add(detail.body.entry.workerId);
      const har = await h.api('GET', `/api/apps/sharded/access?requestId=${id}&headers=1`);
      expect(har.body.items[0].requestHeaders).toEqual(detail.body.entry.requestHeaders);
      expect(har.body.items[0].responseHeaders).toEqual(detail.body.entry.responseHeaders);
    }
    expect([...served].sort()).toEqual([1, 2]);
    expect(JSON.stringify((await h.api('GET', '/api/apps/sharded/access?headers=1')).body)).not.toContain('s3cr3t');
    expect((await h.api('POST', '/api/apps/sharded/stop', {})).status).toBe(200);
  }, 60_000);
});
