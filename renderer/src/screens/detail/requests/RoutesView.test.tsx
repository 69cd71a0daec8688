// The Routes view colours each route's 5xx share with the same thresholds as the overview card.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../../../server-core/src/control/client';
import type { RouteStat } from '../../../api/contract';
import { ApiProvider } from '../../../app/api-context';
import { RoutesView } from './RoutesView';

afterEach(cleanup);

const route = (pattern: string, errorRate: number): RouteStat => ({
  method: 'GET',
  pattern,
  count: 1000,
  errorRate,
  clientErrorRate: 0,
  p50Ms: 1,
  p95Ms: 2,
  p99Ms: 3,
  slowest: { requestId: `r-${pattern}`, durationMs: 3 },
});

describe('RoutesView', () => {
  it('5xx share: no colour at 0, amber below 1 %, red from 1 %', async () => {
    const routes = [route('/ok', 0), route('/rare', 0.0005), route('/bad', 0.02)];
    const call = vi.fn(async () => ({ routes, window: { requests: 3000, from: 1, to: 2, cap: 10000 } }));
    render(
      <ApiProvider client={{ call } as unknown as ApiClient}>
        <RoutesView appId="a" onOpen={() => {}} />
      </ApiProvider>,
    );
    const cell = async (p: string) => (await screen.findByText(p)).closest('tr')!.querySelectorAll('td')[3]!;
    expect((await cell('/ok')).className).toBe('num');
    expect((await cell('/rare')).className).toBe('num tone-warn-text');
    expect((await cell('/bad')).className).toBe('num tone-err-text');
  });
});
