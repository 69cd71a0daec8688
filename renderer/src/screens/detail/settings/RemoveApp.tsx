// Removing an app from Gantry (its folder is left alone). Two steps, so a stray click cannot do it.
import { useState } from 'react';
import { useApi } from '../../../app/api-context';
import { useLive } from '../../../app/live-context';
import { navigate } from '../../../app/router';
import { errorMessage } from '../../../../../server-core/src/control/api-error';

export function RemoveApp({ id, name }: { readonly id: string; readonly name: string }) {
  const client = useApi();
  const { apps } = useLive();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await client.call('removeApp', { params: { id } });
      await apps.refresh();
      navigate({ name: 'overview' });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <section className="card panel danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Remove this app</h2>
      <p className="muted">Stops it and forgets its settings in Gantry. The project folder and its pyproject.toml are not touched.</p>
      <div className="row">
        {!confirming ? (
          <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
            Remove app…
          </button>
        ) : (
          <>
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy} autoFocus>
              {busy && <span className="spinner" aria-hidden="true" />}Yes, remove “{name}”
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it
            </button>
          </>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
