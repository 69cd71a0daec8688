// Hash routes, so the same build works from file:// (Electron) and from `gantry ui` without server rewrites.
//   #/                          apps overview
//   #/add                       add an app
//   #/apps/:id/:tab             app detail (requests | output | workers | metrics | settings | export)
//   #/apps/:id/requests/:rid    the Requests tab with one request's details open
//   #/apps/:id/output?pid=N     the Output tab filtered to one worker (links from crash notices)
import { useMemo, useSyncExternalStore } from 'react';

export const TABS = ['requests', 'output', 'workers', 'metrics', 'settings', 'export'] as const;
export type Tab = (typeof TABS)[number];

export type Route =
  | { readonly name: 'overview' }
  | { readonly name: 'add' }
  | {
      readonly name: 'app';
      readonly id: string;
      readonly tab: Tab;
      readonly requestId?: string;
      readonly query?: Readonly<Record<string, string>>;
    };

export function parseRoute(hash: string): Route {
  // A link may still carry the token before its route (`#token=T#/apps/x`): the route is what follows it.
  const raw = hash.replace(/^#/, '').replace(/^token=[^#&]*[#&]?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(safeDecode);
  const query = Object.fromEntries(new URLSearchParams(queryPart));
  if (parts[0] === 'add') return { name: 'add' };
  if (parts[0] === 'apps' && parts[1]) {
    const tab = (TABS as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as Tab) : 'requests';
    const requestId = tab === 'requests' && parts[3] ? parts[3] : undefined;
    return { name: 'app', id: parts[1], tab, ...(requestId ? { requestId } : {}), ...(Object.keys(query).length ? { query } : {}) };
  }
  return { name: 'overview' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'overview':
      return '#/';
    case 'add':
      return '#/add';
    case 'app': {
      let h = `#/apps/${encodeURIComponent(route.id)}/${route.tab}`;
      if (route.requestId) h += `/${encodeURIComponent(route.requestId)}`;
      if (route.query && Object.keys(route.query).length) h += `?${new URLSearchParams(route.query)}`;
      return h;
    }
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const h = href(route);
  if (options.replace) history.replaceState(history.state, '', h);
  else location.hash = h;
  // replaceState does not fire hashchange; tell subscribers ourselves.
  if (options.replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};
const getHash = () => window.location.hash;

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash, () => '');
  return useMemo(() => parseRoute(hash), [hash]);
}
