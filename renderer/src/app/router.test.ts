// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from './router';

describe('hash routes', () => {
  it('round-trips every screen, request ids and query included', () => {
    const routes: Route[] = [
      { name: 'overview' },
      { name: 'add' },
      { name: 'app', id: 'shop', tab: 'workers' },
      { name: 'app', id: 'shop', tab: 'requests', requestId: 'ab/c 1' },
      { name: 'app', id: 'shop', tab: 'output', query: { pid: '42', level: 'error' } },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });

  it('falls back sensibly on unknown input', () => {
    expect(parseRoute('')).toEqual({ name: 'overview' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'overview' });
    expect(parseRoute('#/apps/x/bogus')).toEqual({ name: 'app', id: 'x', tab: 'requests' });
    expect(parseRoute('#/apps/x/output/ignored')).toEqual({ name: 'app', id: 'x', tab: 'output' });
  });
});
