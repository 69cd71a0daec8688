// After a save: what it did to the running app (live settings applied at once; others waiting for a reload or a
// restart) and the button that applies the rest — "Reload now" (graceful, no dropped request) when a reload is
// enough, "Restart now" always. Stays mounted through the reload/restart so it can say it is done.
import { useState } from 'react';
import { useApi } from '../../../app/api-context';
import { useLive } from '../../../app/live-context';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import { settingSpec, type SettingKey, type SettingsApplication } from '../../../api/contract';

export interface ApplyToRunningProps {
  readonly id: string;
  readonly profile: string;
  readonly running: boolean;
  /** From the save's answer; null when the app was not running. */
  readonly applied: SettingsApplication | null;
}

const labels = (keys: readonly SettingKey[]): string => keys.map((k) => settingSpec(k).label).join(', ');

export function ApplyToRunning({ id, profile, running, applied }: ApplyToRunningProps) {
  const client = useApi();
  const { apps } = useLive();
  const [state, setState] = useState<'idle' | 'reloading' | 'restarting' | 'reloaded' | 'restarted' | { error: string }>('idle');

  const act = async (kind: 'reload' | 'restart') => {
    setState(kind === 'reload' ? 'reloading' : 'restarting');
    try {
      const status =
        kind === 'reload'
          ? await client.call('reload', { params: { id }, body: { mode: 'generation' } })
          : await client.call('restart', { params: { id }, body: { profile } });
      apps.patchStatus(status);
      setState(kind === 'reload' ? 'reloaded' : 'restarted');
    } catch (e) {
      setState({ error: errorMessage(e) });
    }
  };

  if (state === 'reloaded') return <span className="field-ok">Saved and reloaded: the app runs with these settings.</span>;
  if (state === 'restarted') return <span className="field-ok">Saved and restarted: the app runs with these settings.</span>;
  if (!applied) return <span className="field-ok">Saved.{running ? '' : ' The app uses it when it next starts.'}</span>;

  const { live, reload, restart } = applied;
  const needsRestart = restart.length > 0;
  // Each worker draws its max-requests limit at boot: the running ones keep theirs until replaced.
  const perWorker = live.filter((k) => k === 'maxRequests' || k === 'maxRequestsJitter');
  const waiting = reload.length > 0 || needsRestart || perWorker.length > 0;
  const busy = state === 'reloading' || state === 'restarting';
  return (
    <span className="apply-status" data-testid="apply-status">
      <span className="field-ok">Saved.</span>
      {live.length > 0 && (
        <span>
          Applied to the running app now: <span className="keys">{labels(live)}</span>.
        </span>
      )}
      {perWorker.length > 0 && !needsRestart && reload.length === 0 && (
        <span className="muted">
          {labels(perWorker)} count{perWorker.length === 1 ? 's' : ''} for workers started from now; a reload applies{' '}
          {perWorker.length === 1 ? 'it' : 'them'} to all.
        </span>
      )}
      {reload.length > 0 && !needsRestart && (
        <span>
          A reload applies <span className="keys">{labels(reload)}</span>.
        </span>
      )}
      {needsRestart && (
        <span>
          A restart applies <span className="keys">{labels([...restart, ...reload])}</span> (a reload is not enough).
        </span>
      )}
      {!waiting && live.length === 0 && <span className="muted">The running app (profile {applied.profile}) is not affected.</span>}
      {waiting && running && (
        <>
          {!needsRestart && (
            <button
              type="button"
              className="btn btn-sm btn-primary"
              onClick={() => void act('reload')}
              disabled={busy}
              title="Start new workers with the saved settings, switch to them, drain the old ones: no request is dropped"
            >
              {state === 'reloading' && <span className="spinner" aria-hidden="true" />}Reload now
            </button>
          )}
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => void act('restart')}
            disabled={busy}
            title="Stop the app and start it again"
          >
            {state === 'restarting' && <span className="spinner" aria-hidden="true" />}Restart now
          </button>
        </>
      )}
      {typeof state === 'object' && <span className="field-error">{state.error}</span>}
    </span>
  );
}
