// Every app at a glance, or the teaching empty state when there are none.
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../app/api-context';
import { useLive } from '../../app/live-context';
import { navigate } from '../../app/router';
import { errorMessage } from '../../../../server-core/src/control/api-error';
import { EmptyState } from '../../components/EmptyState';
import { useStore } from '../../state/external-store';
import { AppCard } from './AppCard';
import './overview.css';

export function AppsOverview() {
  const client = useApi();
  const { apps } = useLive();
  const state = useStore(apps);
  const [demoBusy, setDemoBusy] = useState(false);
  const [demoError, setDemoError] = useState<string | null>(null);
  // Adding the demo is awaited; if the user left meanwhile, do not pull them back.
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const addDemo = async () => {
    setDemoBusy(true);
    setDemoError(null);
    try {
      const r = await client.call('addDemo');
      await apps.refresh();
      if (alive.current) navigate({ name: 'app', id: r.app.definition.id, tab: 'requests' });
    } catch (e) {
      if (alive.current) setDemoError(errorMessage(e));
    } finally {
      if (alive.current) setDemoBusy(false);
    }
  };

  return (
    <div className="page" data-screen="overview" aria-busy={!state.loaded}>
      <div className="page-head">
        <h1>Apps</h1>
        <span className="spacer" />
        {state.apps.length > 0 && (
          <a className="btn btn-primary" href="#/add">
            Add app
          </a>
        )}
      </div>
      {state.error && (
        <div className="alert tone-err" role="alert">
          <div className="alert-body">Could not load apps: {state.error}</div>
          <button type="button" className="btn btn-sm" onClick={() => void apps.refresh()}>
            Retry
          </button>
        </div>
      )}
      {state.loaded && !state.error && state.apps.length === 0 && (
        <EmptyState onAddDemo={() => void addDemo()} busy={demoBusy} error={demoError} />
      )}
      <div className="app-grid">
        {state.apps.map((a) => (
          <AppCard key={a.definition.id} app={a} history={state.history[a.definition.id] ?? []} launch={state.launches[a.definition.id]} />
        ))}
      </div>
    </div>
  );
}
