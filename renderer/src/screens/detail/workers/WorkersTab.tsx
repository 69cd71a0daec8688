// The Workers tab: every worker process with what it is doing, and the controls to scale, reload
// (graceful: a whole new generation; rolling: one at a time) and restart a single worker.
import { useState } from 'react';
import { useApi } from '../../../app/api-context';
import { useLive } from '../../../app/live-context';
import { href } from '../../../app/router';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import type { AppSummary, WorkerSnapshot, WorkerState } from '../../../api/contract';
import { fmtBytes, fmtUptime, fmtWorkersUp } from '../../../format';
import { usePoll } from './use-poll';
import './workers.css';

const STATE_TONE: Record<WorkerState, string> = {
  starting: 'info',
  idle: 'ok',
  busy: 'warn',
  draining: 'neutral',
  stopping: 'neutral',
  exited: 'err',
};

export function WorkersTab({ app }: { readonly app: AppSummary }) {
  const client = useApi();
  const { apps } = useLive();
  const id = app.definition.id;
  const { data, error, refresh } = usePoll((signal) => client.call('workers', { params: { id }, signal }), 1000);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const running = app.status.state === 'running' || app.status.state === 'reloading';
  const workers = data?.workers ?? [];
  // How many are up (serving or starting) and how many the app wants: while workers exit and wait out their
  // back-off these differ, and the count wanted (scaled live, else the setting in effect) is what +/- change.
  const up = app.metrics?.workersTotal ?? workers.filter((w) => w.state !== 'exited').length;
  const target = app.status.workers ?? up;

  const act = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setActionError(null);
    try {
      const r = await fn();
      if (r && typeof r === 'object' && 'state' in r && 'appId' in r) apps.patchStatus(r as never);
      refresh();
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  const scale = (n: number) => act('scale', () => client.call('scale', { params: { id }, body: { workers: n } }));

  return (
    <div className="workers-tab">
      <div className="tab-toolbar" role="toolbar" aria-label="Worker controls">
        <div className="row scale-ctl" role="group" aria-label="Number of workers">
          <span className="field-label">Workers</span>
          <button
            type="button"
            className="btn btn-icon"
            aria-label="One worker fewer"
            disabled={!running || busy !== null || target <= 1}
            onClick={() => void scale(target - 1)}
          >
            −
          </button>
          <output className="scale-count" aria-live="polite" data-testid="worker-target">
            {target}
          </output>
          <button
            type="button"
            className="btn btn-icon"
            aria-label="One worker more"
            disabled={!running || busy !== null || target >= 512}
            onClick={() => void scale(target + 1)}
          >
            +
          </button>
          {running && up !== target && (
            <span className="faint" data-testid="workers-up">
              {fmtWorkersUp(up)}
            </span>
          )}
          {busy === 'scale' && <span className="spinner" aria-label="Scaling" />}
        </div>
        <span className="toolbar-sep" aria-hidden="true" />
        <button
          type="button"
          className="btn"
          disabled={!running || busy !== null}
          onClick={() => void act('reload', () => client.call('reload', { params: { id }, body: { mode: 'generation' } }))}
          title="Start a new generation of workers, switch to it, then drain the old one"
        >
          {busy === 'reload' && <span className="spinner" aria-hidden="true" />}Reload (graceful)
        </button>
        <button
          type="button"
          className="btn"
          disabled={!running || busy !== null}
          onClick={() => void act('rolling', () => client.call('reload', { params: { id }, body: { mode: 'rolling' } }))}
          title="Replace workers one at a time"
        >
          {busy === 'rolling' && <span className="spinner" aria-hidden="true" />}Reload (rolling)
        </button>
      </div>
      {running && (
        <p className="scale-note muted" data-testid="scale-note">
          {app.status.scaled ? (
            <>
              Running <strong>{app.status.scaled.workers}</strong> workers, scaled live; the saved setting is {app.status.scaled.saved}.
              Reloads keep {app.status.scaled.workers}; a restart goes back to {app.status.scaled.saved}. To keep it, set Workers in{' '}
              <a href={href({ name: 'app', id, tab: 'settings' })}>Settings</a>.
            </>
          ) : (
            <>Scaling changes the running app at once and is kept by reloads; a restart goes back to the saved Workers setting.</>
          )}
        </p>
      )}
      {(actionError || error) && (
        <p className="field-error tab-msg" role="alert">
          {actionError ?? error}
        </p>
      )}
      <div className="tab-scroll" tabIndex={0} aria-label="Workers">
        {!running && workers.length === 0 ? (
          <p className="muted">The app is not running. Start it to see its workers.</p>
        ) : (
          <div className="card table-card">
            <table className="table workers-table" data-testid="workers-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>PID</th>
                  <th>State</th>
                  <th>Current request</th>
                  <th className="num">Served</th>
                  <th className="num">Memory</th>
                  <th className="num">CPU</th>
                  <th className="num">Uptime</th>
                  <th className="num">Restarts</th>
                  <th>Last exit</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {running && data !== null && workers.length === 0 && (
                  <tr>
                    <td colSpan={11} className="muted" data-testid="no-workers">
                      No worker is up: each one exited, and Gantry starts it again after a back-off that grows with each exit.{' '}
                      <a href={href({ name: 'app', id, tab: 'output' })}>Output</a> shows why they exited.
                    </td>
                  </tr>
                )}
                {workers.map((w) => (
                  <WorkerRow
                    key={`${w.id}-${w.generation}`}
                    appId={id}
                    w={w}
                    disabled={!running || busy !== null}
                    onRestart={() => void act(`w${w.id}`, () => client.call('restartWorker', { params: { id, workerId: w.id } }))}
                    restarting={busy === `w${w.id}`}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}

function WorkerRow({
  appId,
  w,
  disabled,
  onRestart,
  restarting,
}: {
  appId: string;
  w: WorkerSnapshot;
  disabled: boolean;
  onRestart: () => void;
  restarting: boolean;
}) {
  const now = Date.now();
  return (
    <tr data-worker={w.id} data-state={w.state}>
      <td>
        {w.id}
        {w.generation > 1 && <span className="faint"> · g{w.generation}</span>}
      </td>
      <td className="mono">{w.pid ?? '–'}</td>
      <td>
        <span className={`badge tone-${STATE_TONE[w.state]}`}>{w.state}</span>
      </td>
      <td className="mono cur-req">
        {w.current.length === 0
          ? '–'
          : w.current.map((c) => (
              <div key={c.requestId}>
                <a href={href({ name: 'app', id: appId, tab: 'requests', requestId: c.requestId })}>
                  {c.method} {c.path}
                </a>{' '}
                <span className="faint">{((now - c.startedAt) / 1000).toFixed(1)}s</span>
              </div>
            ))}
      </td>
      <td className="num">{w.requests.toLocaleString()}</td>
      <td className="num">{fmtBytes(w.rssBytes)}</td>
      <td className="num">{w.cpuPercent === null ? '–' : `${w.cpuPercent.toFixed(0)}%`}</td>
      <td className="num">{fmtUptime((now - w.startedAt) / 1000)}</td>
      <td className="num">{w.restarts}</td>
      <td className="last-exit">
        {w.lastExit ? (
          <span title={w.lastExit.stderrTail.join('\n')}>
            {w.lastExit.reason}
            {w.lastExit.signal ? ` (${w.lastExit.signal})` : w.lastExit.code !== null ? ` (code ${w.lastExit.code})` : ''}
          </span>
        ) : (
          <span className="faint">–</span>
        )}
      </td>
      <td>
        <button
          type="button"
          className="btn btn-sm"
          disabled={disabled || w.state === 'exited'}
          onClick={onRestart}
          aria-label={`Restart worker ${w.id}`}
        >
          {restarting && <span className="spinner" aria-hidden="true" />}Restart
        </button>
      </td>
    </tr>
  );
}
