// The overview card of a running app: how many workers are up beside how many it wants when they differ (an app
// whose workers keep crashing reads "0 of 2 up", not "0 busy / 0"), and an error rate whose colour means something.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../../server-core/src/control/client';
import type { AppSummary, MetricsSnapshot } from '../../api/contract';
import { ApiProvider } from '../../app/api-context';
import { sampleApp, sampleMetrics } from '../../test-support/samples';
import { AppCard } from './AppCard';

vi.mock('../../app/live-context', () => ({ useLive: () => ({ apps: { patchStatus: () => {}, refresh: async () => {} } }) }));

afterEach(cleanup);

const app = (metrics: MetricsSnapshot, scaled: AppSummary['status']['scaled'] = null): AppSummary =>
  sampleApp({ metrics, status: { scaled, workers: scaled?.workers ?? 2 } });

function renderCard(summary: AppSummary, history: readonly MetricsSnapshot[] = [summary.metrics!]) {
  const call = vi.fn(async () => ({}));
  render(
    <ApiProvider client={{ call } as unknown as ApiClient}>
      <AppCard app={summary} history={history} launch={undefined} />
    </ApiProvider>,
  );
  return call;
}

describe('AppCard workers', () => {
  it('with every worker crashing, says none of the ones wanted is up', async () => {
    renderCard(app(sampleMetrics(1000, { workersTotal: 0, workersBusy: 0 })));
    await waitFor(() => expect(screen.getByTestId('workers').textContent).toBe('0 of 2 up'));
  });
  it('counts wanted from a live scale when there is one', async () => {
    renderCard(app(sampleMetrics(1000, { workersTotal: 1 }), { workers: 4, saved: 2 }));
    await waitFor(() => expect(screen.getByTestId('workers').textContent).toBe('1 of 4 up'));
  });
  it('with all wanted workers up, shows how many are busy', async () => {
    renderCard(app(sampleMetrics(1000, { workersTotal: 2, workersBusy: 1 })));
    await waitFor(() => expect(screen.getByTestId('workers').textContent).toBe('1 busy / 2'));
  });
  it('asks the server nothing: the count wanted comes with the status', () => {
    // Asked for when the card appeared, the settings of an app being removed at that moment answered 404: a
    // console error in the page, which no handler can take back.
    const call = renderCard(app(sampleMetrics(1000, { workersTotal: 0 })));
    expect(screen.getByTestId('workers').textContent).toBe('0 of 2 up');
    expect(call).not.toHaveBeenCalled();
  });
  it('follows a worker count saved while the app runs', () => {
    // The count asked for once per profile stayed at the old setting when a new one was applied live.
    const client = { call: vi.fn(async (route: string) => (route === 'effective' ? { settings: { workers: 2 } } : {})) };
    const card = (workers: number) => (
      <ApiProvider client={client as unknown as ApiClient}>
        <AppCard
          app={sampleApp({ metrics: sampleMetrics(1000, { workersTotal: 2 }), status: { workers } })}
          history={[]}
          launch={undefined}
        />
      </ApiProvider>
    );
    const { rerender } = render(card(2));
    expect(screen.getByTestId('workers').textContent).toBe('0 busy / 2');
    rerender(card(3)); // saved 3, applied live: the third is booting
    expect(screen.getByTestId('workers').textContent).toBe('2 of 3 up');
  });
});

describe('AppCard error rate', () => {
  const withErrors = (total: number, errors: number) => [
    sampleMetrics(0),
    sampleMetrics(60_000, { statusClasses: { '1xx': 0, '2xx': total - errors, '3xx': 0, '4xx': 0, '5xx': errors } }),
  ];
  const errorsCell = () => screen.getByTitle(/responses were 5xx in the last minute/);
  it('is amber, not red, for one 5xx in thousands of responses', () => {
    const h = withErrors(5000, 1);
    renderCard(app(h[1]!), h);
    expect(errorsCell().textContent).toBe('<0.1%');
    expect(errorsCell().className).toBe('tone-warn-text');
  });
  it('is red from 1 %', () => {
    const h = withErrors(100, 1);
    renderCard(app(h[1]!), h);
    expect(errorsCell().className).toBe('tone-err-text');
  });
  it('has no colour without errors', () => {
    const h = withErrors(100, 0);
    renderCard(app(h[1]!), h);
    expect(errorsCell().className).toBe('');
  });
});
