// The Routes view: requests grouped by method + route pattern over the access history, with count, error rates,
// nearest-rank percentiles and the slowest request of each.
import { describe, expect, it } from 'vitest';
import { routePattern, routeStats } from '../../src/logging/route-stats.js';
import type { AccessEntry } from '../../src/runtime/types.js';
import { accessEntry } from '../helpers/access-entry.js';
import { DEMO_APP } from '../helpers/paths.js';
import { harnessScope } from './api-client.js';

const entry = (i: number, method: string, path: string, status: number, durationMs: number): AccessEntry =>
  accessEntry({ time: i, requestId: `r${i}`, method, path, status, durationMs });

describe('route patterns', () => {
  it('folds numbers, UUIDs and hex ids; keeps words', () => {
    expect(routePattern('/items/42')).toBe('/items/{id}');
    expect(routePattern('/users/7/orders/1234/')).toBe('/users/{id}/orders/{id}/');
    expect(routePattern('/u/3F2504E0-4F89-11D3-9A0C-0305E82C3301/x')).toBe('/u/{uuid}/x');
    expect(routePattern('/commit/5f3a9c2e1b')).toBe('/commit/{hex}');
    expect(routePattern('/obj/507f1f77bcf86cd799439011')).toBe('/obj/{hex}');
    for (const p of ['/', '/static/app.css', '/deadbeef', '/v2/items', '/café', '/decade']) expect(routePattern(p)).toBe(p);
  });

  it('counts, error rates, nearest-rank p50/p95/p99, slowest; slowest p95 first', () => {
    const entries: AccessEntry[] = [];
    // GET /items/{id}: durations 1..100 ms; every 10th a 500, every 20th (not a 10th) a 404.
    for (let i = 1; i <= 100; i++) entries.push(entry(i, 'GET', `/items/${i}`, i % 10 === 0 ? 500 : i % 5 === 0 ? 404 : 200, i));
    entries.push(entry(101, 'POST', '/items', 201, 500));
    entries.push(entry(102, 'GET', '/', 200, 2));
    const stats = routeStats(entries);
    expect(stats.map((s) => `${s.method} ${s.pattern}`)).toEqual(['POST /items', 'GET /items/{id}', 'GET /']);
    const items = stats[1]!;
    expect(items).toEqual({
      method: 'GET',
      pattern: '/items/{id}',
      count: 100,
      errorRate: 0.1,
      clientErrorRate: 0.1,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 99,
      slowest: { requestId: 'r100', durationMs: 100 },
    });
    expect(stats[0]).toMatchObject({ count: 1, p50Ms: 500, p99Ms: 500, slowest: { requestId: 'r101' } });
  });
});

describe('GET /api/apps/:id/routes with real workers', () => {
  const h = harnessScope({ demoFolder: DEMO_APP });

  it('groups the access history and says over what window', async () => {
    const started = await h.api('POST', '/api/apps/hello-demo/start', { profile: 'dev' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const base = started.body.urls[0] as string;
    for (const ms of [10, 20, 30]) await (await fetch(new URL(`/slow?ms=${ms}`, base))).text();
    for (const n of [1, 2, 3, 4]) await (await fetch(new URL(`/missing/${n}`, base))).text();
    const r = await h.api('GET', '/api/apps/hello-demo/routes');
    expect(r.status).toBe(200);
    expect(r.body.window).toMatchObject({ requests: 7, cap: 10_000 });
    expect(r.body.window.to).toBeGreaterThanOrEqual(r.body.window.from);
    const slow = r.body.routes.find((x: { pattern: string }) => x.pattern === '/slow');
    expect(slow).toMatchObject({ method: 'GET', count: 3, errorRate: 0 });
    expect(slow.p99Ms).toBeGreaterThanOrEqual(30);
    // The slowest is the entry with the longest duration in the history (not necessarily ms=30: a cold worker's
    // first request can take longer under load).
    const list = await h.api('GET', '/api/apps/hello-demo/access?path=/slow');
    const longest = (list.body.items as { requestId: string; durationMs: number }[]).reduce((a, b) =>
      b.durationMs > a.durationMs ? b : a,
    );
    expect(slow.slowest).toEqual({ requestId: longest.requestId, durationMs: longest.durationMs });
    expect(slow.p99Ms).toBe(longest.durationMs);
    const missing = r.body.routes.find((x: { pattern: string }) => x.pattern === '/missing/{id}');
    expect(missing).toMatchObject({ count: 4, clientErrorRate: 1 });
    expect((await h.api('GET', '/api/apps/nope/routes')).status).toBe(404);
  });
});
