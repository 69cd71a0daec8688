// One app on the overview: what state it is in, where it answers, how busy it is, and the buttons to
// drive it. Buttons are disabled rather than hidden when they do not apply, so nothing jumps around.
import type { AppSummary, MetricsSnapshot } from '../../api/contract';
import { href } from '../../app/router';
import { ExternalLink } from '../../components/ExternalLink';
import { SiteLinks } from '../../components/SiteLinks';
import { Sparkline } from '../../components/Sparkline';
import { StatusBadge } from '../../components/StatusBadge';
import { errorRateTone, fmtPercent, fmtRate, fmtWorkersUp, rateWindowLabel } from '../../format';
import { recentErrorRate, recentCounts, type LaunchView } from '../../state/apps-store';
import { allowedActions } from '../../state/status-badge';
import { LaunchPanel } from './LaunchPanel';
import { LifecycleButtons } from './LifecycleButtons';
import { ProfileSwitch } from './ProfileSwitch';
import { useAppActions } from './use-app-actions';

export interface AppCardProps {
  readonly app: AppSummary;
  readonly history: readonly MetricsSnapshot[];
  readonly launch: LaunchView | undefined;
}

export function AppCard({ app, history, launch }: AppCardProps) {
  const { definition: def, status, metrics } = app;
  const actions = useAppActions(def.id);
  const allowed = allowedActions(status.state);
  const running = status.state !== 'stopped' && status.state !== 'failed';
  const live = running && metrics;
  const errRate = recentErrorRate(history);
  const errTone = live ? errorRateTone(errRate) : null;
  const profile = status.profile ?? def.activeProfile;
  const busy = actions.busy !== null;
  const launching = launch?.state === 'running';
  // With the status, not asked for: the card's own request for an app being removed would answer 404.
  const wanted = status.workers;

  return (
    <article
      className="app-card card"
      aria-labelledby={`app-${def.id}-name`}
      data-app={def.id}
      data-state={status.state}
      data-healthy={status.healthy ? 'true' : 'false'}
    >
      <header className="app-card-head">
        <h2 id={`app-${def.id}-name`} className="app-card-name">
          <a href={href({ name: 'app', id: def.id, tab: 'requests' })}>{def.name}</a>
        </h2>
        <StatusBadge state={status.state} healthy={status.healthy} />
        <span className="spacer" />
        <ProfileSwitch
          appName={def.name}
          profiles={app.profiles}
          value={profile}
          disabled={busy || launching}
          running={running}
          workers={metrics?.workersTotal ?? null}
          onChange={(p) => void actions.switchProfile(p, running)}
        />
      </header>

      <div className="app-card-urls">
        {status.urls.length > 0 && running ? (
          status.urls.map((u) => <ExternalLink key={u} href={u} className="mono" />)
        ) : (
          <span className="faint mono" title="Folder">
            {def.folder}
          </span>
        )}
        {running && <SiteLinks sites={app.sites} />}
      </div>

      <dl className="app-card-stats">
        <div>
          <dt>Workers</dt>
          <dd data-testid="workers" className={live && wanted !== null && metrics.workersTotal < wanted ? 'tone-warn-text' : undefined}>
            {!live
              ? '–'
              : wanted !== null && metrics.workersTotal !== wanted
                ? fmtWorkersUp(metrics.workersTotal, wanted) // some exited (crash loop, back-off) or a scale is under way
                : `${metrics.workersBusy} busy / ${metrics.workersTotal}`}
          </dd>
        </div>
        <div>
          <dt title={`Requests per second, ${rateWindowLabel()}`}>Req/s</dt>
          <dd data-testid="rate">{live ? fmtRate(metrics.rate) : '–'}</dd>
        </div>
        <div>
          <dt title="Share of 5xx responses over the last minute: amber for any, red from 1 %">Errors</dt>
          <dd className={errTone ? `tone-${errTone}-text` : undefined} title={errTitle(history)}>
            {live ? fmtPercent(errRate) : '–'}
          </dd>
        </div>
        <div className="app-card-spark">
          <dt className="visually-hidden">Requests per second, last minute</dt>
          <dd>
            <Sparkline values={history.map((m) => m.rate)} label={`Requests per second for ${def.name}, last minute`} />
          </dd>
        </div>
      </dl>

      {status.state === 'failed' && status.error && (
        <p className="app-card-error tone-err-text" role="alert">
          {status.error.message}{' '}
          {/* The boot failure's traceback is in the app's error box, not in a filtered log (nor a filter to remember). */}
          <a href={href({ name: 'app', id: def.id, tab: 'output', query: { show: 'boot-error' } })}>Show the traceback</a>
        </p>
      )}

      <footer className="app-card-actions">
        <div className="btn-group">
          <LifecycleButtons state={status.state} profile={profile} actions={actions} launching={launching} />
          {allowed.open && status.urls[0] ? (
            <ExternalLink href={status.urls[0]} className="btn">
              Open
            </ExternalLink>
          ) : (
            <button type="button" className="btn" disabled>
              Open
            </button>
          )}
        </div>
        <span className="spacer" />
        <button
          type="button"
          className="btn"
          disabled={busy || launching}
          onClick={() => void actions.launch('staging')}
          title="Preflight checks, then start with the staging profile"
        >
          {launching && <span className="spinner" aria-hidden="true" />}Launch staging
        </button>
      </footer>

      {actions.error && (
        <p className="field-error app-card-error" role="alert">
          {actions.error}
        </p>
      )}
      {launch && <LaunchPanel appId={def.id} launch={launch} />}
    </article>
  );
}

function errTitle(history: readonly MetricsSnapshot[]): string {
  const c = recentCounts(history);
  return c ? `${c.errors} of ${c.total} responses were 5xx in the last minute` : 'No requests in the last minute';
}
