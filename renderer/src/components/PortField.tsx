// A port input that checks, as you type, whether the port is free — and if not, who holds it and which
// free port is nearest, one click away.
import { useEffect, useState } from 'react';
import { useApi } from '../app/api-context';
import { errorMessage } from '../../../server-core/src/control/api-error';
import { describePortHolder, type PortCheckResult } from '../api/contract';
import { useDebounced } from '../hooks/use-debounced';

export interface PortFieldProps {
  readonly id: string;
  readonly host: string;
  readonly port: string;
  readonly onChange: (port: string) => void;
  /** The app being edited: its own claim on the port is not a conflict. */
  readonly appId?: string;
  /** An error for this field from the API (shown instead of the live check). */
  readonly error?: string | undefined;
}

type Check =
  | { readonly state: 'idle' | 'checking' }
  | { readonly state: 'done'; readonly result: PortCheckResult }
  | { readonly state: 'error'; readonly message: string };

export function validPort(port: string): boolean {
  return /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

export function PortField({ id, host, port, onChange, appId, error }: PortFieldProps) {
  const client = useApi();
  const debounced = useDebounced(port, 250);
  const [check, setCheck] = useState<Check>({ state: 'idle' });

  useEffect(() => {
    if (!validPort(debounced)) {
      setCheck({ state: 'idle' });
      return;
    }
    const ctrl = new AbortController();
    setCheck({ state: 'checking' });
    client.call('checkPort', { body: { bind: `${host}:${debounced}`, ...(appId ? { appId } : {}) }, signal: ctrl.signal }).then(
      (result) => setCheck({ state: 'done', result }),
      (e: unknown) => !ctrl.signal.aborted && setCheck({ state: 'error', message: errorMessage(e) }),
    );
    return () => ctrl.abort();
  }, [client, host, debounced, appId]);

  const stale = debounced !== port;
  const invalid = port !== '' && !validPort(port);
  const result = check.state === 'done' && !stale ? check.result : null;
  const usable = result ? result.free && !result.claimedBy : null;

  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Port
      </label>
      <div className="row">
        <span className="faint mono">{host}:</span>
        <input
          id={id}
          className="input input-mono port-input"
          inputMode="numeric"
          value={port}
          onChange={(e) => onChange(e.target.value.replace(/[^\d]/g, '').slice(0, 5))}
          aria-invalid={invalid || usable === false || !!error}
          aria-describedby={`${id}-status`}
        />
        <span
          id={`${id}-status`}
          className="port-status"
          role="status"
          aria-live="polite"
          data-testid="port-status"
          data-free={usable === null ? undefined : String(usable)}
        >
          {error ? (
            <span className="field-error">{error}</span>
          ) : invalid ? (
            <span className="field-error">Ports are 1–65535.</span>
          ) : check.state === 'checking' || (stale && validPort(port)) ? (
            <span className="faint">Checking…</span>
          ) : check.state === 'error' ? (
            <span className="field-error">{check.message}</span>
          ) : result ? (
            usable ? (
              <span className="field-ok">✓ Free</span>
            ) : (
              <span className="field-error">
                {result.claimedBy
                  ? `Used by the app “${result.claimedBy}”.`
                  : `Taken${describePortHolder(result.holder) ? ` by ${describePortHolder(result.holder)}` : ''}.`}
              </span>
            )
          ) : null}
        </span>
        {result && !usable && result.suggestion !== null && (
          <button type="button" className="btn btn-sm" onClick={() => onChange(String(result.suggestion))}>
            Use {result.suggestion}
          </button>
        )}
      </div>
    </div>
  );
}
