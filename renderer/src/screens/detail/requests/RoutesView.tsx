// "Which endpoint is slow?": the server groups its whole access history (not just the rows this table holds)
// by method + route pattern; this shows it, slowest p95 first, each with a link to its slowest request.
import { useApi } from '../../../app/api-context';
import { errorRateTone, fmtClock, fmtDuration } from '../../../format';
import { usePoll } from '../workers/use-poll';

function pct(x: number): string {
  return x === 0 ? '0 %' : x < 0.001 ? '< 0.1 %' : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
}

export function RoutesView({ appId, onOpen }: { readonly appId: string; readonly onOpen: (requestId: string) => void }) {
  const client = useApi();
  const { data, error } = usePoll((signal) => client.call('routes', { params: { id: appId }, signal }), 2000);
  if (error)
    return (
      <p className="field-error routes-empty" role="alert">
        {error}
      </p>
    );
  if (!data) return <p className="muted routes-empty">Loading…</p>;
  const w = data.window;
  return (
    <div className="routes-view" data-testid="routes-view">
      <p className="faint routes-window" data-testid="routes-window">
        {w.requests === 0
          ? 'No requests in Gantry’s history yet.'
          : `Over the ${w.requests.toLocaleString()} requests in Gantry’s history (the newest ${w.cap.toLocaleString()} are kept), ${fmtClock(w.from!)}–${fmtClock(w.to!)}; numbers, UUIDs and hex ids in paths are folded into {id}, {uuid}, {hex}. Updated every 2 s; the filters above apply to the Requests list only.`}
      </p>
      {data.routes.length > 0 && (
        <table className="routes-table">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Route</th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col" className="num" title="Share of 5xx responses: amber for any, red from 1 %">
                5xx
              </th>
              <th scope="col" className="num" title="Share of 4xx responses">
                4xx
              </th>
              <th scope="col" className="num">
                p50
              </th>
              <th scope="col" className="num">
                p95
              </th>
              <th scope="col" className="num">
                p99
              </th>
              <th scope="col">Slowest</th>
            </tr>
          </thead>
          <tbody>
            {data.routes.map((r) => (
              <tr key={`${r.method} ${r.pattern}`} data-testid="route-row" data-route={`${r.method} ${r.pattern}`}>
                <td className="c-method">{r.method}</td>
                <td className="mono">{r.pattern}</td>
                <td className="num">{r.count.toLocaleString()}</td>
                <td className={`num${errorRateTone(r.errorRate) ? ` tone-${errorRateTone(r.errorRate)}-text` : ''}`}>{pct(r.errorRate)}</td>
                <td className="num">{pct(r.clientErrorRate)}</td>
                <td className="num">{fmtDuration(r.p50Ms)}</td>
                <td className="num">{fmtDuration(r.p95Ms)}</td>
                <td className="num">{fmtDuration(r.p99Ms)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    data-testid="route-slowest"
                    onClick={() => onOpen(r.slowest.requestId)}
                    title={`Open request ${r.slowest.requestId}`}
                  >
                    {fmtDuration(r.slowest.durationMs)} →
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
