// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { AppState } from '../api/contract';
import { allowedActions, statusBadge } from './status-badge';

const STATES: AppState[] = ['stopped', 'starting', 'running', 'reloading', 'stopping', 'failed'];

describe('statusBadge', () => {
  it('is green only when running and healthy', () => {
    for (const s of STATES) {
      for (const healthy of [true, false]) {
        expect(statusBadge(s, healthy).tone === 'ok').toBe(s === 'running' && healthy);
      }
    }
  });

  it('shows running-but-unhealthy as a warning, failed as an error', () => {
    expect(statusBadge('running', false)).toMatchObject({ tone: 'warn', label: 'Unhealthy' });
    expect(statusBadge('failed', true)).toMatchObject({ tone: 'err' });
    expect(statusBadge('starting', true).tone).toBe('info');
  });

  it('allows start only when stopped or failed, and open only while serving', () => {
    expect(allowedActions('stopped')).toEqual({ start: true, stop: false, restart: false, open: false });
    expect(allowedActions('running')).toEqual({ start: false, stop: true, restart: true, open: true });
    expect(allowedActions('failed').start).toBe(true);
  });
});
