// Makes the one ApiClient available to every screen.
import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from '../../../server-core/src/control/client';

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ client, children }: { readonly client: ApiClient; readonly children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const c = useContext(ApiContext);
  if (!c) throw new Error('useApi outside ApiProvider');
  return c;
}
