// The app's events, newest first: crashes, timeouts (with the stack the worker was in), reloads, recycles,
// scaling and port conflicts — each with a link to its evidence where there is one.
import { describePortHolder, type EventRecord } from '../../../api/contract';
import { href } from '../../../app/router';
import { fmtClock, fmtDuration } from '../../../format';
import { assertNever } from '../../../state/assert-never';

export function EventsPanel({ appId, events }: { readonly appId: string; readonly events: readonly EventRecord[] }) {
  const list = events.slice().reverse();
  return (
    <aside className="events-panel" aria-label="App events">
      <h2 className="events-title">Events</h2>
      {list.length === 0 && <p className="muted events-empty">No crashes, timeouts or reloads yet.</p>}
      <ol className="events-list">
        {list.map((e) => (
          <li key={e.seq} className={`event event-${e.type}`} data-event={e.type}>
            <div className="event-head">
              <span className="faint mono">{fmtClock(e.time)}</span> <EventSummary appId={appId} e={e} />
            </div>
            {e.type === 'timeout' && e.stack && (
              <details>
                <summary>Stack at timeout</summary>
                <pre className="codeblock">{e.stack}</pre>
              </details>
            )}
            {e.type === 'worker-exit' && e.exit.stderrTail.length > 0 && (
              <details>
                <summary>Last stderr lines</summary>
                <pre className="codeblock">{e.exit.stderrTail.join('\n')}</pre>
              </details>
            )}
            {e.type === 'boot-error' && typeof e.error.details?.traceback === 'string' && (
              <pre className="codeblock">{e.error.details.traceback}</pre>
            )}
          </li>
        ))}
      </ol>
    </aside>
  );
}

function EventSummary({ appId, e }: { readonly appId: string; readonly e: EventRecord }) {
  switch (e.type) {
    case 'state':
      return (
        <span>
          State: {e.state}
          {e.error ? ` — ${e.error.message}` : ''}
        </span>
      );
    case 'worker-exit':
      return (
        <span className={e.exit.reason === 'crashed' ? 'tone-err-text' : undefined}>
          Worker {e.workerId} (pid {e.pid}) exited: {e.exit.reason}
          {e.exit.signal ? `, ${e.exit.signal}` : e.exit.code !== null ? `, code ${e.exit.code}` : ''}
        </span>
      );
    case 'boot-error':
      return <span className="tone-err-text">Boot failed: {e.error.message}</span>;
    case 'timeout':
      return (
        <span className="tone-err-text">
          Timeout: {e.method} {e.path} after {fmtDuration(e.durationMs)} ·{' '}
          <a href={href({ name: 'app', id: appId, tab: 'requests', requestId: e.requestId })}>request</a>
        </span>
      );
    case 'reload':
      return (
        <span className={e.phase === 'failed' ? 'tone-err-text' : undefined}>
          Reload ({e.mode}) generation {e.generation}: {e.phase}
          {e.error ? ` — ${e.error.message}` : ''}
        </span>
      );
    case 'recycle':
      return (
        <span>
          Worker {e.workerId} (pid {e.pid}) recycled: {e.reason}
        </span>
      );
    case 'scale':
      return (
        <span>
          Scaled {e.from} → {e.to} workers
        </span>
      );
    case 'port-conflict':
      return (
        <span className="tone-warn-text">
          {e.bind} was taken
          {e.claimedBy ? ` by app ${e.claimedBy}` : describePortHolder(e.holder) ? ` by ${describePortHolder(e.holder)}` : ''}
          {e.suggestion !== null ? `; ${e.suggestion} is free` : ''}
        </span>
      );
    default:
      return assertNever(e, 'event');
  }
}
