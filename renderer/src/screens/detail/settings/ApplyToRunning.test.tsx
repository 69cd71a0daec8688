// What the save bar says after saving while the app runs, and which buttons it offers.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../../../server-core/src/control/client';
import type { SettingsApplication } from '../../../api/contract';
import { ApiProvider } from '../../../app/api-context';
import { ApplyToRunning } from './ApplyToRunning';

const patchStatus = vi.fn();
vi.mock('../../../app/live-context', () => ({ useLive: () => ({ apps: { patchStatus } }) }));

afterEach(cleanup);

function show(applied: SettingsApplication | null, running = true) {
  const call = vi.fn(async () => ({ appId: 'a', state: 'running' }));
  render(
    <ApiProvider client={{ call } as unknown as ApiClient}>
      <ApplyToRunning id="a" profile="dev" running={running} applied={applied} />
    </ApiProvider>,
  );
  return call;
}
const app = (p: Partial<SettingsApplication>): SettingsApplication => ({ profile: 'dev', live: [], reload: [], restart: [], ...p });

describe('ApplyToRunning', () => {
  it('names what applied live and offers Reload now (graceful) beside Restart now when a reload is enough', async () => {
    const call = show(app({ live: ['timeout'], reload: ['env', 'threads'] }));
    expect(screen.getByTestId('apply-status').textContent).toContain('Applied to the running app now: Timeout (s).');
    expect(screen.getByTestId('apply-status').textContent).toContain('A reload applies Environment, Threads.');
    screen.getByRole('button', { name: 'Restart now' });
    fireEvent.click(screen.getByRole('button', { name: 'Reload now' }));
    await screen.findByText('Saved and reloaded: the app runs with these settings.');
    expect(call).toHaveBeenCalledWith('reload', { params: { id: 'a' }, body: { mode: 'generation' } });
    expect(patchStatus).toHaveBeenCalled();
  });

  it('offers only Restart now when a setting needs one', async () => {
    const call = show(app({ reload: ['env'], restart: ['bind'] }));
    expect(screen.queryByRole('button', { name: 'Reload now' })).toBeNull();
    expect(screen.getByTestId('apply-status').textContent).toContain('A restart applies Bind, Environment (a reload is not enough).');
    fireEvent.click(screen.getByRole('button', { name: 'Restart now' }));
    await waitFor(() => expect(call).toHaveBeenCalledWith('restart', { params: { id: 'a' }, body: { profile: 'dev' } }));
  });

  it('says when nothing is waiting, and when the app is not running', () => {
    show(app({ live: ['timeout', 'gracefulTimeout'] }));
    expect(screen.queryByRole('button')).toBeNull();
    cleanup();
    // Max requests reaches running workers only when they are replaced: a reload is offered.
    show(app({ live: ['maxRequests'] }));
    screen.getByText('Max requests counts for workers started from now; a reload applies it to all.');
    screen.getByRole('button', { name: 'Reload now' });
    cleanup();
    show(app({}));
    screen.getByText('The running app (profile dev) is not affected.');
    cleanup();
    show(null, false);
    screen.getByText('Saved. The app uses it when it next starts.');
  });
});
