// Live progress of a one-click staging launch: each preflight step as it runs, then the URL or the failed
// step's output. Follows the event stream, and polls the launch as a fallback so a missed event never
// leaves it spinning.
import { useEffect } from 'react';
import { useApi } from '../../app/api-context';
import { useLive } from '../../app/live-context';
import type { LaunchStepName } from '../../api/contract';
import type { LaunchView } from '../../state/apps-store';
import { ExternalLink } from '../../components/ExternalLink';
import { scrollToEnd } from '../../components/scroll-to-end';

const STEP_LABELS: Record<LaunchStepName, string> = {
  interpreter: 'Interpreter runs',
  import: 'App imports',
  ports: 'Ports are free',
  'django-check': 'manage.py check --deploy',
  'django-settings': 'Django settings: DEBUG, SECRET_KEY, ALLOWED_HOSTS',
  collectstatic: 'collectstatic',
  start: 'Start workers',
  health: 'Health check',
};

export function LaunchPanel({ appId, launch }: { readonly appId: string; readonly launch: LaunchView }) {
  const client = useApi();
  const { apps } = useLive();

  useEffect(() => {
    if (!launch.launchId) return;
    const id = launch.launchId;
    let stopped = false;
    const poll = async () => {
      try {
        const r = await client.call('getLaunch', { params: { launchId: id } });
        if (!stopped) apps.applyLaunchResult(r);
      } catch {
        // The stream may still deliver; try again next tick.
      }
    };
    if (launch.state !== 'running') {
      void poll(); // one last read for the complete step outputs
      return;
    }
    const t = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [client, apps, launch.launchId, launch.state]);

  const warnings = launch.steps.filter((s) => s.status === 'warning');
  return (
    <section className="launch" aria-label={`Launch ${launch.profile}`} data-state={launch.state} data-testid="launch-panel">
      <div className="row">
        <strong>Launch {launch.profile}</strong>
        <span className="spacer" />
        {launch.state !== 'running' && (
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            onClick={() => apps.dismissLaunch(appId)}
            aria-label="Close launch progress"
          >
            ✕
          </button>
        )}
      </div>
      <ol className="launch-steps">
        {launch.steps.map((s, i) => (
          <li key={`${s.step}-${i}`} className="launch-step" data-step={s.step} data-status={s.status}>
            <StepIcon status={s.status} />
            <span>{STEP_LABELS[s.step] ?? s.step}</span>
            {s.endedAt !== null && s.startedAt > 0 && s.status !== 'skipped' ? (
              <span className="faint">{stepTime(s.endedAt - s.startedAt)}</span>
            ) : (
              <span />
            )}
            {s.status === 'skipped' && s.output && <span className="launch-why faint">{s.output}</span>}
            {s.step === 'django-settings' && s.status !== 'running' && s.status !== 'skipped' && s.output ? (
              <Findings text={s.output} />
            ) : (
              (s.status === 'failed' || s.status === 'warning') &&
              s.output && <StepOutput text={s.output} label={`Output of ${STEP_LABELS[s.step] ?? s.step}`} />
            )}
          </li>
        ))}
        {launch.state === 'running' && launch.steps.length === 0 && (
          <li className="launch-step" data-status="running">
            <StepIcon status="running" /> Preparing…
          </li>
        )}
      </ol>
      <div role="status" aria-live="polite">
        {launch.state === 'ok' && launch.url && (
          <p className={`launch-result ${warnings.length ? 'tone-warn-text' : 'tone-ok-text'}`}>
            {launch.profile === 'staging' ? 'Staging' : `Profile ${launch.profile}`} is up at <ExternalLink href={launch.url} />
            {warnings.length > 0 && <> — with warnings in {warnings.length === 1 ? 'one step' : `${warnings.length} steps`} (⚠ above).</>}
          </p>
        )}
        {launch.state === 'failed' && (
          <div className="launch-result">
            <p className="field-error">
              {launch.failedStep ? `Stopped at “${STEP_LABELS[launch.failedStep] ?? launch.failedStep}”.` : 'The launch failed.'}
            </p>
            {launch.error && !launch.steps.some((s) => s.status === 'failed' && s.output) && (
              <StepOutput text={launch.error} label="Launch error" />
            )}
          </div>
        )}
      </div>
    </section>
  );
}

const STEP_ICONS: Record<string, { glyph: string; cls: string; label: string }> = {
  ok: { glyph: '✓', cls: 'tone-ok-text', label: 'passed' },
  warning: { glyph: '⚠', cls: 'tone-warn-text', label: 'passed with warnings' },
  failed: { glyph: '✕', cls: 'tone-err-text', label: 'failed' },
  skipped: { glyph: '–', cls: 'faint', label: 'skipped' },
};

function StepIcon({ status }: { readonly status: string }) {
  if (status === 'running') return <span className="spinner step-icon tone-info-text" role="img" aria-label="running" />;
  const icon = STEP_ICONS[status] ?? STEP_ICONS.skipped!;
  return (
    <span className={`step-icon ${icon.cls}`} role="img" aria-label={icon.label}>
      {icon.glyph}
    </span>
  );
}

/** The django-settings step's findings, one per promise (✓ kept, ⚠ not kept, ✕ the app would not serve). */
function Findings({ text }: { readonly text: string }) {
  const tone: Record<string, string> = { '✓': 'tone-ok-text', '⚠': 'tone-warn-text', '✕': 'tone-err-text' };
  return (
    <ul className="launch-findings">
      {text.split('\n').map((line, i) => {
        const mark = line.slice(0, 1);
        return (
          <li key={i} data-finding={mark === '✓' ? 'ok' : mark === '⚠' ? 'warning' : mark === '✕' ? 'failed' : 'info'}>
            <span className={tone[mark] ?? 'faint'} aria-hidden="true">
              {tone[mark] ? mark : '·'}
            </span>
            <span>{tone[mark] ? line.slice(1).trim() : line}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** A step's output, scrolled to its end: the last lines (the error, the summary) are what matter. */
function StepOutput({ text, label }: { readonly text: string; readonly label: string }) {
  return (
    <pre className="codeblock launch-output" tabIndex={0} aria-label={label} ref={scrollToEnd}>
      {text}
    </pre>
  );
}

function stepTime(ms: number): string {
  return ms < 1 ? '<1 ms' : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
