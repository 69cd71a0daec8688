// A request as a curl command someone can paste into a POSIX shell (sh, bash, zsh) to send it again.
// Headers are the ones the API showed, so masked credentials stay masked ("Cookie: ••••"): the command
// never carries a secret Gantry did not show. The body is not recorded, so a POST is replayed without one.
import type { AccessEntry } from '../api/contract';

/** Single-quoted for a POSIX shell: everything literal; a ' closes, is escaped, and reopens. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The request's URL against the app's base URL (its origin; the entry holds only path and query). */
export function requestUrl(entry: Pick<AccessEntry, 'path' | 'query'>, baseUrl: string): string {
  const u = new URL(baseUrl);
  return `${u.origin}${entry.path}${entry.query ? `?${entry.query}` : ''}`;
}

// curl writes these itself from the URL and what it sends; copying them would contradict it (a stale length).
const LEFT_TO_CURL = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'te', 'upgrade']);

export function curlCommand(entry: Pick<AccessEntry, 'method' | 'path' | 'query' | 'requestHeaders'>, baseUrl: string): string {
  const parts = ['curl'];
  if (entry.method === 'HEAD') parts.push('--head');
  else if (entry.method !== 'GET') parts.push('-X', shellQuote(entry.method));
  for (const [name, value] of Object.entries(entry.requestHeaders ?? {})) {
    if (LEFT_TO_CURL.has(name.toLowerCase())) continue;
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  parts.push(shellQuote(requestUrl(entry, baseUrl)));
  return parts.join(' ');
}
