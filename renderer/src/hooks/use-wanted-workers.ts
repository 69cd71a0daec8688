// How many workers a running app wants: the count scaled live (POST /scale) if any, else the workers setting in
// effect for the profile it runs with. Workers that keep exiting wait out a back-off, so the count up (metrics)
// can be far below it; the Workers tab and the overview card show both, so a crash loop is not "0 / 0".
import { useEffect, useState } from 'react';
import type { AppSummary } from '../api/contract';
import { useApi } from '../app/api-context';

/** null while unknown or when the app is not running. */
export function useWantedWorkers(app: AppSummary): number | null {
  const client = useApi();
  const id = app.definition.id;
  const running = app.status.state === 'running' || app.status.state === 'reloading';
  const profile = running ? app.status.profile : null;
  const [setting, setSetting] = useState<number | null>(null);
  useEffect(() => {
    setSetting(null);
    if (profile === null) return;
    let cancelled = false;
    client.call('effective', { params: { id }, query: { profile } }).then(
      (e) => !cancelled && setSetting(e.settings.workers ?? null),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [client, id, profile]);
  if (!running) return null;
  return app.status.scaled?.workers ?? setting;
}
