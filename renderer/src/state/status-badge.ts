// How an app's state is shown. Green means one thing only: running AND the health check passes.
// Running but not (yet) healthy is amber, so nobody mistakes "the process is up" for "it answers".
import type { AppState } from '../api/contract';
import { assertNever } from './assert-never';

type Tone = 'ok' | 'warn' | 'err' | 'info' | 'neutral';

export interface Badge {
  readonly tone: Tone;
  readonly label: string;
  /** Longer text for a tooltip / screen readers. */
  readonly title: string;
}

export function statusBadge(state: AppState, healthy: boolean): Badge {
  switch (state) {
    case 'running':
      return healthy
        ? { tone: 'ok', label: 'Running', title: 'Running; the health check passes' }
        : { tone: 'warn', label: 'Unhealthy', title: 'Running, but the health check does not pass yet' };
    case 'starting':
      return { tone: 'info', label: 'Starting', title: 'Starting workers' };
    case 'reloading':
      return { tone: 'info', label: 'Reloading', title: 'Reloading: the new generation is booting, the old one still serves' };
    case 'stopping':
      return { tone: 'neutral', label: 'Stopping', title: 'Finishing in-flight requests and stopping workers' };
    case 'stopped':
      return { tone: 'neutral', label: 'Stopped', title: 'Not running' };
    case 'failed':
      return { tone: 'err', label: 'Failed', title: 'Failed to start or crashed; see the error' };
    default:
      return assertNever(state, 'app state');
  }
}

/** Which actions make sense in a state (buttons are disabled, not hidden, so the layout does not move). */
export function allowedActions(state: AppState): { start: boolean; stop: boolean; restart: boolean; open: boolean } {
  const live = state === 'running' || state === 'reloading';
  return {
    start: state === 'stopped' || state === 'failed',
    stop: live || state === 'starting',
    restart: live || state === 'failed',
    open: live,
  };
}
