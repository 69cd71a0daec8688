// Finds the control API, then renders the shell; until then (or if it cannot) says so plainly.
import { useEffect, useState } from 'react';
import { createApiClient, type ApiClient } from '../../../server-core/src/control/client';
import { CONNECTION_HINTS, resolveConnection } from '../api/connection';
import { ApiProvider } from './api-context';
import { LiveProvider } from './live-context';
import { Shell } from './Shell';

export function Root() {
  const [client, setClient] = useState<ApiClient | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    try {
      setClient(createApiClient(resolveConnection(), { hints: CONNECTION_HINTS }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  if (error) {
    return (
      <main className="boot" data-state="error">
        <h1>Gantry cannot reach its control API</h1>
        <p className="muted">{error}</p>
      </main>
    );
  }
  if (!client) return <main className="boot" data-state="connecting" aria-busy="true" />;
  return (
    <ApiProvider client={client}>
      <LiveProvider>
        <Shell />
      </LiveProvider>
    </ApiProvider>
  );
}
