// Serves the built renderer (renderer/dist) to the window as gantry://ui/…, with the CSP as a real response
// header. Why not file://: Chromium sends no response headers for file:// (so a CSP with the API's runtime port
// can't be set there), file:// pages can read any other file:// URL, and their Origin is "null", which the
// control API could not tell apart from any sandboxed page. Electron's security checklist recommends this.
import fs from 'node:fs/promises';
import path from 'node:path';
import { contentTypeOf } from '@gantry/server-core';
import { contentSecurityPolicy } from './csp.js';

export const RENDERER_SCHEME = 'gantry';
export const RENDERER_HOST = 'ui';
/** The window's origin; the control API must allow exactly this Origin (CORS) besides its own. */
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_INDEX_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * Maps a request URL to a file inside `root`, or null when the URL is not ours or escapes the root.
 * "/" and extension-less paths (client-side routes) fall back to index.html.
 */
export function resolveRendererFile(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${RENDERER_SCHEME}:` || url.host !== RENDERER_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '/' || pathname === '' || path.posix.extname(pathname) === '') pathname = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + path.posix.normalize(pathname));
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  return file;
}

function responseHeaders(file: string, apiOrigin: string): Record<string, string> {
  return {
    'content-type': contentTypeOf(file),
    'content-security-policy': contentSecurityPolicy(apiOrigin),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/** The protocol handler's body: a Response for any request, 404 for anything outside the renderer's files. */
export async function serveRendererRequest(root: string, apiOrigin: string, requestUrl: string): Promise<Response> {
  const notFound = (): Response =>
    new Response('Not found', {
      status: 404,
      headers: { ...responseHeaders('404.txt', apiOrigin), 'content-type': 'text/plain; charset=utf-8' },
    });
  const file = resolveRendererFile(root, requestUrl);
  if (file === null) return notFound();
  try {
    const body = await fs.readFile(file);
    return new Response(body, { status: 200, headers: responseHeaders(file, apiOrigin) });
  } catch {
    return notFound();
  }
}
