// Finds the control API and its token: from the Electron preload, or from `#token=` in the page URL (what
// `gantry ui` prints; a fragment is never sent to a server, so the token reaches no log and no other local server).
// The token is kept in the tab's sessionStorage so a reload still works, and removed from the address bar so it
// does not end up in bookmarks, history or screenshots. The page itself holds no secret.
import type { ApiConnection, ClientHints } from '../../../server-core/src/control/client';
import { preload } from './preload';

/** What the client says when it cannot get in, in the words of someone looking at this window. */
export const CONNECTION_HINTS: ClientHints = {
  unreachable: 'Cannot reach Gantry: is `gantry ui` still running?',
  unauthorized:
    'Gantry refused the request: the access token is missing or wrong. Open the address that `gantry ui` printed (it ends in #token=…).',
};

const STORAGE_KEY = 'gantry.token';
const TOKEN_IN_URL = /^[0-9a-f]{64}$/;

/** `#token=T`, optionally followed by a route (`#token=T#/apps/x/requests`: the printed link + a route). */
const TOKEN_HASH = /^#token=([^#&]*)(?:[#&](.*))?$/;

/** The token a `gantry ui` link carries: `#token=T` (`?token=T` from older links is still read). */
export function tokenFromUrl(url: URL): string | null {
  const t = TOKEN_HASH.exec(url.hash)?.[1] ?? url.searchParams.get('token');
  return t && TOKEN_IN_URL.test(t) ? t : null;
}

/** The route part of a hash that may start with the token. */
export function routeAfterToken(hash: string): string {
  const m = TOKEN_HASH.exec(hash);
  return m ? `#${m[2] ?? '/'}`.replace(/^##/, '#') : hash;
}

export function resolveConnection(loc: Location = window.location, storage: Storage | null = safeSession()): ApiConnection {
  const bridge = preload()?.api;
  if (bridge?.url) return { baseUrl: bridge.url.replace(/\/+$/, ''), token: bridge.token };
  const url = new URL(loc.href);
  const fromUrl = tokenFromUrl(url);
  if (url.hash.startsWith('#token=') || url.searchParams.has('token')) {
    if (fromUrl) storage?.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    const hash = routeAfterToken(url.hash);
    try {
      history.replaceState(history.state, '', url.pathname + url.search + hash);
    } catch {
      // file:// or a sandbox may refuse; keeping the token in the bar is harmless there.
    }
  }
  const token = fromUrl ?? storage?.getItem(STORAGE_KEY) ?? '';
  // Served by `gantry ui`: the API is on the same origin.
  return { baseUrl: url.protocol.startsWith('http') ? url.origin : '', token };
}

function safeSession(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
