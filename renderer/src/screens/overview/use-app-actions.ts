// Start / stop / restart / profile switch for one app, with the busy flag and the last error for the UI.
// The status itself is not set from the answers alone: the event stream patches it, so every window agrees.
import { useCallback, useState } from 'react';
import { useApi } from '../../app/api-context';
import { useLive } from '../../app/live-context';
import { errorMessage } from '../../../../server-core/src/control/api-error';

export type AppAction = 'start' | 'stop' | 'restart';

export function useAppActions(appId: string) {
  const client = useApi();
  const { apps } = useLive();
  const [busy, setBusy] = useState<AppAction | 'profile' | 'launch' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async (action: AppAction, profile?: string) => {
      setBusy(action);
      setError(null);
      try {
        const body = action === 'stop' ? {} : profile ? { profile } : {};
        const status = await client.call(action, { params: { id: appId }, body });
        apps.patchStatus(status);
      } catch (e) {
        setError(errorMessage(e));
        void apps.refresh();
      } finally {
        setBusy(null);
      }
    },
    [client, apps, appId],
  );

  /** Makes `profile` the active one; a running app restarts into it. */
  const switchProfile = useCallback(
    async (profile: string, running: boolean) => {
      setBusy('profile');
      setError(null);
      try {
        await client.call('updateApp', { params: { id: appId }, body: { activeProfile: profile } });
        if (running) apps.patchStatus(await client.call('restart', { params: { id: appId }, body: { profile } }));
        await apps.refresh();
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusy(null);
      }
    },
    [client, apps, appId],
  );

  const launch = useCallback(
    async (profile = 'staging') => {
      setBusy('launch');
      setError(null);
      apps.beginLaunch(appId, profile);
      try {
        apps.applyLaunchResult(await client.call('launch', { params: { id: appId }, body: { profile, wait: false } }));
      } catch (e) {
        apps.failLaunch(appId, errorMessage(e));
      } finally {
        setBusy(null);
      }
    },
    [client, apps, appId],
  );

  return { busy, error, run, switchProfile, launch, clearError: () => setError(null) };
}
