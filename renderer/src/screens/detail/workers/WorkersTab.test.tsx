// The Workers tab when no worker is up (each one exits and waits out its back-off): it says how many the app
// wants beside how many are up, "+" asks for one more than wanted (not for 1), and the table says why it is empty.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../../../server-core/src/control/client';
import { ApiProvider } from '../../../app/api-context';
import { sampleApp, sampleMetrics } from '../../../test-support/samples';
import { WorkersTab } from './WorkersTab';

vi.mock('../../../app/live-context', () => ({ useLive: () => ({ apps: { patchStatus: () => {} } }) }));

afterEach(cleanup);

const crashing = sampleApp({ metrics: sampleMetrics(0, { workersTotal: 0 }) });

describe('WorkersTab', () => {
  it('with no worker up, shows the count wanted and up, scales from the count wanted, and explains the empty table', async () => {
    const call = vi.fn(async (route: string) => {
      if (route === 'workers') return { workers: [] };
      return { appId: 'crashy', state: 'running' };
    });
    render(
      <ApiProvider client={{ call } as unknown as ApiClient}>
        <WorkersTab app={crashing} />
      </ApiProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('worker-target').textContent).toBe('2'));
    expect(screen.getByTestId('workers-up').textContent).toBe('0 up');
    expect(screen.getByTestId('no-workers').textContent).toMatch(/No worker is up/);
    fireEvent.click(screen.getByRole('button', { name: 'One worker more' }));
    await waitFor(() => expect(call).toHaveBeenCalledWith('scale', { params: { id: 'crashy' }, body: { workers: 3 } }));
  });
});
