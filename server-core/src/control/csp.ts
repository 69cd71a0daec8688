// The Content-Security-Policy of Gantry's UI, in the Electron window and in a browser (`gantry ui`): scripts only
// from the UI itself, network only to the control API, nothing embeddable, no plugins, no forms posting anywhere.

/**
 * Builds the policy for a control API at `apiOrigin` (e.g. "http://127.0.0.1:43817"), or `'self'` when the page is
 * served by the control API itself (browser mode, reachable as 127.0.0.1:PORT or localhost:PORT).
 */
export function contentSecurityPolicy(apiOrigin: string): string {
  let connect: string;
  if (apiOrigin === "'self'") connect = "'self'";
  else {
    connect = new URL(apiOrigin).origin; // normalises, and throws on anything that is not a URL
    if (connect === 'null') throw new Error(`not an http(s) origin: ${apiOrigin}`);
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React and uPlot set style properties from script; 'unsafe-inline' covers <style> tags some libraries inject.
    // Styles cannot run code, so this is the usual trade-off; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
