// One app: header (state, URLs, actions, profile) over six tabs. The app's live logs are opened here,
// not per tab, so switching tabs keeps what has arrived.
import { createContext, useContext, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useApi } from '../../app/api-context';
import { useLive } from '../../app/live-context';
import { href, navigate, TABS, type Route, type Tab } from '../../app/router';
import { ExternalLink } from '../../components/ExternalLink';
import { StatusBadge } from '../../components/StatusBadge';
import { scrollToEnd } from '../../components/scroll-to-end';
import { ProjectFolder } from '../../components/ProjectFolder';
import { AppLiveData } from '../../state/app-live-data';
import { useStore } from '../../state/external-store';
import { ProfileSwitch } from '../overview/ProfileSwitch';
import { useAppActions } from '../overview/use-app-actions';
import { LifecycleButtons } from '../overview/LifecycleButtons';
import { LaunchPanel } from '../overview/LaunchPanel';
import { RequestsTab } from './requests/RequestsTab';
import { OutputTab } from './output/OutputTab';
import { WorkersTab } from './workers/WorkersTab';
import { MetricsTab } from './metrics/MetricsTab';
import { SettingsTab } from './settings/SettingsTab';
import { ExportTab } from './export/ExportTab';
import './detail.css';

const TAB_LABELS: Record<Tab, string> = {
  requests: 'Requests',
  output: 'Output',
  workers: 'Workers',
  metrics: 'Metrics',
  settings: 'Settings',
  export: 'Export',
};

const LiveDataContext = createContext<AppLiveData | null>(null);
export function useAppLiveData(): AppLiveData {
  const d = useContext(LiveDataContext);
  if (!d) throw new Error('useAppLiveData outside AppDetail');
  return d;
}

export function AppDetail({ route }: { readonly route: Extract<Route, { name: 'app' }> }) {
  const client = useApi();
  const { apps } = useLive();
  const state = useStore(apps);
  const app = state.apps.find((a) => a.definition.id === route.id);
  const data = useMemo(() => new AppLiveData(client, route.id), [client, route.id]);
  // Only for an app that exists: a removed app's screen (or its URL opened again) asks for nothing that would 404.
  const exists = app !== undefined;
  useEffect(() => (exists ? data.start() : undefined), [data, exists]);
  const actions = useAppActions(route.id);

  if (!app) {
    return (
      <div className="page" data-screen="detail" aria-busy={!state.loaded}>
        {state.loaded && (
          <div className="empty card">
            <h2>No app “{route.id}”</h2>
            <p>It may have been removed.</p>
            <a className="btn" href="#/">
              All apps
            </a>
          </div>
        )}
      </div>
    );
  }

  const { definition: def, status } = app;
  const running = status.state !== 'stopped' && status.state !== 'failed';
  const profile = status.profile ?? def.activeProfile;
  const busy = actions.busy !== null;
  const launch = state.launches[def.id];
  const launching = launch?.state === 'running';

  const onTabKey = (e: KeyboardEvent<HTMLElement>) => {
    // Arrow keys move between tabs, as in any tab list.
    const i = TABS.indexOf(route.tab);
    const next =
      e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : null;
    if (next) {
      e.preventDefault();
      navigate({ name: 'app', id: def.id, tab: next });
      requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
    }
  };

  return (
    <LiveDataContext.Provider value={data}>
      <div
        className="detail"
        data-screen="detail"
        data-app={def.id}
        data-state={status.state}
        data-healthy={status.healthy ? 'true' : 'false'}
      >
        <header className="detail-head">
          <div className="detail-title">
            <a href="#/" className="faint detail-back" aria-label="All apps">
              Apps /
            </a>
            <h1>{def.name}</h1>
            <StatusBadge state={status.state} healthy={status.healthy} />
            <ProjectFolder appId={def.id} folder={def.folder} />
            <span className="detail-urls">{running && status.urls.map((u) => <ExternalLink key={u} href={u} className="mono" />)}</span>
          </div>
          <div className="detail-actions">
            <ProfileSwitch
              appName={def.name}
              profiles={app.profiles}
              value={profile}
              disabled={busy || launching}
              running={running}
              workers={app.metrics?.workersTotal ?? null}
              onChange={(p) => void actions.switchProfile(p, running)}
            />
            <div className="btn-group">
              <LifecycleButtons state={status.state} profile={profile} actions={actions} launching={launching} />
              <button type="button" className="btn" disabled={busy || launching} onClick={() => void actions.launch('staging')}>
                {launching && <span className="spinner" aria-hidden="true" />}Launch staging
              </button>
            </div>
          </div>
        </header>
        {(actions.error || (status.state === 'failed' && status.error)) && (
          <BootError
            key={status.startedAt ?? 0}
            message={actions.error ?? status.error?.message ?? ''}
            traceback={
              status.state === 'failed' && typeof status.error?.details?.traceback === 'string' ? status.error.details.traceback : null
            }
            focus={route.query?.show === 'boot-error'}
          />
        )}
        {launch && (
          <div className="detail-launch card">
            <LaunchPanel appId={def.id} launch={launch} />
          </div>
        )}
        <nav className="tabs" role="tablist" aria-label="App views" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <a
              key={t}
              id={`tab-${t}`}
              role="tab"
              className="tab"
              href={href({ name: 'app', id: def.id, tab: t })}
              aria-selected={route.tab === t}
              aria-controls="tabpanel"
              tabIndex={route.tab === t ? 0 : -1}
            >
              {TAB_LABELS[t]}
            </a>
          ))}
        </nav>
        <section id="tabpanel" className="tabpanel" role="tabpanel" aria-labelledby={`tab-${route.tab}`} data-tab={route.tab}>
          {route.tab === 'requests' && <RequestsTab app={app} requestId={route.requestId ?? null} />}
          {route.tab === 'output' && <OutputTab app={app} query={route.query ?? {}} />}
          {route.tab === 'workers' && <WorkersTab app={app} />}
          {route.tab === 'metrics' && <MetricsTab app={app} />}
          {route.tab === 'settings' && <SettingsTab app={app} />}
          {route.tab === 'export' && <ExportTab app={app} />}
        </section>
      </div>
    </LiveDataContext.Provider>
  );
}

/**
 * The app's error: the message, the traceback's last line (what went wrong) in plain sight, and the traceback
 * scrolled to its end. A "Show the traceback" link lands here (focus moves to it).
 */
function BootError({
  message,
  traceback,
  focus,
}: {
  readonly message: string;
  readonly traceback: string | null;
  readonly focus: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) box.current?.focus();
  }, [focus]);
  const last = traceback ? lastLine(traceback) : null;
  return (
    <div className="detail-alert alert tone-err" role="alert" id="boot-error" tabIndex={-1} ref={box} data-testid="boot-error">
      <div className="alert-body">
        <strong>{message}</strong>
        {last && last !== message && traceback && traceback.trim().includes('\n') && (
          <p className="traceback-last mono" data-testid="traceback-last">
            {last}
          </p>
        )}
        {traceback && (
          <details open className="detail-traceback">
            <summary>Traceback</summary>
            <pre className="codeblock" tabIndex={0} aria-label="Traceback" ref={scrollToEnd}>
              {traceback}
            </pre>
          </details>
        )}
      </div>
    </div>
  );
}

/** The line of a traceback that says what went wrong: its last non-empty one. */
function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}
