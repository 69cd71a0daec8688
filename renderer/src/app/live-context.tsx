// Owns the app-wide live state: the apps list, notices, and the one global event stream feeding both.
// Per-app streams (access log, output) are opened by the detail screens themselves.
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { subscribeLiveEvents } from '../api/live-events';
import { preload } from '../api/preload';
import { AppsStore } from '../state/apps-store';
import { NoticesStore } from '../state/notices-store';
import { useApi } from './api-context';

interface Live {
  readonly apps: AppsStore;
  readonly notices: NoticesStore;
}

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { readonly children: ReactNode }) {
  const client = useApi();
  const live = useMemo<Live>(() => {
    const apps = new AppsStore(client);
    const name = (id: string) => apps.getSnapshot().apps.find((a) => a.definition.id === id)?.definition.name ?? id;
    const notify = preload()?.notify;
    return {
      apps,
      notices: new NoticesStore(name, notify ? (t, b) => void Promise.resolve(notify(t, b)).catch(() => undefined) : undefined),
    };
  }, [client]);

  useEffect(() => {
    void live.apps.refresh();
    return subscribeLiveEvents(client, {
      types: ['status', 'metrics', 'apps-changed', 'launch', 'app-event', 'notice'],
      onState: (s) => live.apps.setStream(s),
      onEvent: (env) => {
        live.apps.apply(env);
        live.notices.apply(env);
      },
    });
  }, [client, live]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const l = useContext(LiveContext);
  if (!l) throw new Error('useLive outside LiveProvider');
  return l;
}
