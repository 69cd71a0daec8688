// Start / Stop / Restart for one app, the same on the overview card and the detail header: disabled (never
// hidden) when they do not apply, with a spinner on the one running. While a launch runs it owns the app:
// Start and Restart would race its preflight and start steps.
import type { AppState } from '../../api/contract';
import { allowedActions } from '../../state/status-badge';
import type { useAppActions } from './use-app-actions';

export interface LifecycleButtonsProps {
  readonly state: AppState;
  readonly profile: string;
  readonly actions: ReturnType<typeof useAppActions>;
  /** A staging launch is running for this app. */
  readonly launching?: boolean;
}

export function LifecycleButtons({ state, profile, actions, launching = false }: LifecycleButtonsProps) {
  const allowed = allowedActions(state);
  const busy = actions.busy !== null;
  const spinner = (action: string) => actions.busy === action && <span className="spinner" aria-hidden="true" />;
  return (
    <>
      <button
        type="button"
        className="btn btn-primary"
        disabled={!allowed.start || busy || launching}
        onClick={() => void actions.run('start', profile)}
      >
        {spinner('start')}Start
      </button>
      <button type="button" className="btn" disabled={!allowed.stop || busy} onClick={() => void actions.run('stop')}>
        {spinner('stop')}Stop
      </button>
      <button
        type="button"
        className="btn"
        disabled={!allowed.restart || busy || launching}
        onClick={() => void actions.run('restart', profile)}
      >
        {spinner('restart')}Restart
      </button>
    </>
  );
}
