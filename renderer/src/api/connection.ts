// Finds the control API and its token: from the Electron preload, or from `?token=` in the page URL
// (what `gantry ui` prints). The token is kept in sessionStorage so a reload still works, and removed
// from the address bar so it does not end up in bookmarks, history or screenshots.
import { preload, type ApiConnection } from './preload';

const STORAGE_KEY = 'gantry.token';

export function resolveConnection(loc: Location = window.location, storage: Storage | null = safeSession()): ApiConnection {
  const bridge = preload()?.api;
  if (bridge?.url) return { baseUrl: bridge.url.replace(/\/+$/, ''), token: bridge.token };
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage?.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    try {
      history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    } catch {
      // file:// or a sandbox may refuse; keeping the token in the bar is harmless there.
    }
  }
  // `gantry ui` also writes the token into the page it serves (<meta name="gantry-token">).
  const fromMeta = typeof document !== 'undefined' ? document.querySelector<HTMLMetaElement>('meta[name="gantry-token"]')?.content : undefined;
  const token = fromUrl ?? fromMeta ?? storage?.getItem(STORAGE_KEY) ?? '';
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
