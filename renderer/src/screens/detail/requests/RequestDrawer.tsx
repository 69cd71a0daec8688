// One request in full: summary, timing, request and response headers, and every output line it produced
// (stderr, tracebacks, timeout stacks), fetched by request id so the traceback sits beside its request.
import { useEffect, useState } from 'react';
import { useApi } from '../../../app/api-context';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import { SECRET_MASK, type AccessRecord, type RequestDetail, type RequestTiming } from '../../../api/contract';
import { CopyButton } from '../../../components/CopyButton';
import { Drawer } from '../../../components/Drawer';
import { fmtBytes, fmtClock, fmtDuration } from '../../../format';
import { curlCommand, requestUrl } from '../../../state/request-curl';
import { statusClass } from '../../../state/request-filters';
import { TruncatedBadge } from './TruncatedBadge';
import { OutputLines } from '../output/OutputLines';

export interface RequestDrawerProps {
  readonly appId: string;
  readonly requestId: string;
  /** The row as the table has it, shown at once while the full detail loads. */
  readonly row: AccessRecord | null;
  /** The app's URL (its origin is the curl command's), or null when it is not serving. */
  readonly baseUrl: string | null;
  readonly onClose: () => void;
}

export function RequestDrawer({ appId, requestId, row, baseUrl, onClose }: RequestDrawerProps) {
  const client = useApi();
  const [detail, setDetail] = useState<RequestDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    setDetail(null);
    setError(null);
    const load = () =>
      client.call('request', { params: { id: appId, requestId }, signal: ctrl.signal }).then(setDetail, (e: unknown) => {
        if (!ctrl.signal.aborted) setError(errorMessage(e));
      });
    void load();
    // Output of a slow request may still be arriving: read once more shortly after.
    const again = setTimeout(() => void load(), 1500);
    return () => {
      ctrl.abort();
      clearTimeout(again);
    };
  }, [client, appId, requestId]);

  const e = detail?.entry ?? row;
  const output = detail?.output ?? [];
  return (
    <Drawer
      label={`Request ${requestId}`}
      onClose={onClose}
      testId="request-drawer"
      title={
        e ? (
          <h2 className="drawer-req-title">
            <span className={`s${statusClass(e.status)}`}>{e.status}</span> <TruncatedBadge entry={e} /> {e.method}{' '}
            <span className="mono">{e.path}</span>
          </h2>
        ) : (
          <h2>Request {requestId}</h2>
        )
      }
    >
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {detail && !detail.entry && !row && (
        <p className="muted">This request is no longer in Gantry&apos;s memory (only the most recent ones are kept).</p>
      )}
      {e && <TakeOut entry={e} baseUrl={baseUrl} output={output.map((l) => l.text).join('\n')} headersLoaded={detail !== null} />}
      {e && (
        <section>
          <h3>Summary</h3>
          <dl className="kv">
            <dt>Request ID</dt>
            <dd data-testid="drawer-request-id">{e.requestId}</dd>
            <dt>URL</dt>
            <dd>
              {e.path}
              {e.query ? `?${e.query}` : ''}
            </dd>
            <dt>Protocol</dt>
            <dd>{e.protocol}</dd>
            <dt>Client</dt>
            <dd>{e.remoteAddr}</dd>
            <dt>User agent</dt>
            <dd>{e.userAgent || '–'}</dd>
            {e.referer && (
              <>
                <dt>Referer</dt>
                <dd>{e.referer}</dd>
              </>
            )}
            <dt>Worker pid</dt>
            <dd>{e.workerPid ?? '–'}</dd>
            <dt>Response size</dt>
            <dd>{fmtBytes(e.bytes)}</dd>
          </dl>
        </section>
      )}
      {e && (
        <section>
          <h3>Timing</h3>
          <dl className="kv">
            <dt>Received</dt>
            <dd>
              {new Date(e.time).toLocaleDateString()} {fmtClock(e.time)}
            </dd>
            <dt>Finished</dt>
            <dd>{fmtClock(e.time + e.durationMs)}</dd>
            <dt>Duration</dt>
            <dd>{fmtDuration(e.durationMs)}</dd>
            {e.timing && (
              <>
                <dt>Queue wait</dt>
                <dd>{fmtDuration(e.timing.queueMs)}</dd>
                <dt>Time in the app</dt>
                <dd>{fmtDuration(e.timing.appMs)}</dd>
                <dt>Time to first byte</dt>
                <dd>{fmtDuration(e.timing.ttfbMs)}</dd>
                <dt>Transfer</dt>
                <dd>
                  {fmtDuration(e.timing.transferMs)} · {fmtBytes(e.bytes)}
                </dd>
              </>
            )}
          </dl>
          {e.timing && <Waterfall timing={e.timing} total={e.durationMs} />}
        </section>
      )}
      {detail?.timeout && (
        <section data-testid="timeout-stack">
          <h3 className="tone-err-text">Stopped after the timeout ({fmtDuration(detail.timeout.durationMs)})</h3>
          <p className="muted">
            Worker pid {detail.timeout.workerPid} was in this stack when Gantry stopped it at {fmtClock(detail.timeout.time)}:
          </p>
          <pre className="codeblock timeout-stack">{detail.timeout.stack || '(the worker did not answer with a stack)'}</pre>
        </section>
      )}
      <section data-testid="request-output">
        <h3>Output from this request {output.length > 0 && <span className="faint">({output.length} lines)</span>}</h3>
        {detail === null && !error ? (
          <p className="muted">Loading…</p>
        ) : output.length === 0 ? (
          <p className="muted">The app wrote nothing to stderr or stdout while handling it.</p>
        ) : (
          <OutputLines lines={output} />
        )}
      </section>
      {e && (
        <>
          <Headers title="Request headers" headers={e.requestHeaders} loading={detail === null && !error} testId="request-headers" />
          <Headers title="Response headers" headers={e.responseHeaders} loading={detail === null && !error} testId="response-headers" />
        </>
      )}
    </Drawer>
  );
}

/** Copy the request as curl, its id, URL and output (the traceback, when it raised). */
function TakeOut({
  entry,
  baseUrl,
  output,
  headersLoaded,
}: {
  readonly entry: AccessRecord;
  readonly baseUrl: string | null;
  readonly output: string;
  readonly headersLoaded: boolean;
}) {
  const host = entry.requestHeaders && Object.entries(entry.requestHeaders).find(([k]) => k.toLowerCase() === 'host')?.[1];
  const base = baseUrl ?? (host ? `http://${host}/` : null);
  const curl = base ? curlCommand(entry, base) : null;
  return (
    <section className="take-out" aria-label="Copy">
      <div className="row take-out-buttons">
        {curl && <CopyButton text={curl} label="Copy as curl" testId="copy-curl" />}
        <CopyButton text={entry.requestId} label="Copy ID" testId="copy-id" />
        {base && <CopyButton text={requestUrl(entry, base)} label="Copy URL" testId="copy-url" />}
        {output && (
          <CopyButton
            text={output}
            label={/Traceback \(most recent call last\)/.test(output) ? 'Copy traceback' : 'Copy output'}
            testId="copy-output"
          />
        )}
      </div>
      {curl && (
        <details>
          <summary className="faint">
            curl command{headersLoaded ? '' : ' (headers loading…)'}
            {entry.method !== 'GET' && entry.method !== 'HEAD' ? ' · the body is not recorded' : ''}
          </summary>
          <pre className="codeblock curl-command" data-testid="curl-command">
            {curl}
          </pre>
        </details>
      )}
    </section>
  );
}

/** Queue, app and transfer as one bar, each segment as long as its share of the request's time. */
function Waterfall({ timing, total }: { readonly timing: RequestTiming; readonly total: number }) {
  const parts = [
    { key: 'queue', label: 'Queue', ms: timing.queueMs },
    { key: 'app', label: 'App', ms: timing.appMs },
    { key: 'transfer', label: 'Transfer', ms: timing.transferMs },
  ];
  const whole = Math.max(total, 0.001);
  return (
    <div
      className="waterfall"
      data-testid="timing-waterfall"
      role="img"
      aria-label={parts.map((p) => `${p.label} ${fmtDuration(p.ms)}`).join(', ')}
    >
      {parts.map((p) => (
        <span
          key={p.key}
          className={`wf-${p.key}`}
          style={{ width: `${Math.max(0.5, (p.ms / whole) * 100)}%` }}
          title={`${p.label}: ${fmtDuration(p.ms)}`}
        />
      ))}
    </div>
  );
}

function Headers({
  title,
  headers,
  loading,
  testId,
}: {
  readonly title: string;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly loading: boolean;
  readonly testId: string;
}) {
  const entries = Object.entries(headers ?? {});
  return (
    <section data-testid={testId}>
      <h3>
        {title} {entries.length > 0 && <span className="faint">({entries.length})</span>}
      </h3>
      {entries.length === 0 ? (
        <p className="muted">{loading ? 'Loading…' : 'Not recorded: Gantry keeps the headers of the most recent requests only.'}</p>
      ) : (
        <dl className="kv kv-headers">
          {entries.map(([k, v]) => (
            <div key={k} className="kv-pair">
              <dt>{k}</dt>
              {v.endsWith(SECRET_MASK) ? (
                <dd className="masked" title="Credentials are masked wherever Gantry shows them">
                  {v}
                </dd>
              ) : (
                <dd>{v}</dd>
              )}
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
