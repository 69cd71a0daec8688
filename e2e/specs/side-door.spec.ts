// "Another local server" — any app on 127.0.0.1, including the ones Gantry hosts — is visited by the same
// browser that has the Gantry UI open. Browsers send it, unasked, whatever they hold for 127.0.0.1 (cookies are
// not scoped by port). This plays that server: a real node http server records every request Chromium sends it,
// then replays each one to Gantry. Nothing it received may open the token or the API.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '../support/fixtures';

/** One request to Gantry with exactly these headers (node:http: fetch would add or refuse some). */
function replay(origin: string, path: string, headers: http.OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${path}`, { headers, agent: false, setHost: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      // The event stream would never end: its first bytes are enough to see what it gave.
      res.on('data', (c: string) => {
        body += c;
        if (res.headers['content-type']?.startsWith('text/event-stream')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

interface Seen {
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

test('another local server the browser visits receives nothing that opens Gantry', async ({ browser, gantry }) => {
  const seen: Seen[] = [];
  const other = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/') {
      // Its page also asks for itself with credentials, as an app's own scripts would.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><title>other</title><img src="/pixel.png"><script>fetch('/probe', {credentials: 'include'}).then(() => document.title = 'probed')</script>`,
      );
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // The user opens the printed link and uses the UI: the token reaches the page, the page works.
    const response = await page.goto(gantry.url);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response!.headers()['set-cookie']).toBeUndefined();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.locator('[data-screen="overview"]')).toHaveAttribute('aria-busy', 'false');
    // The token left the address bar (history, bookmarks) for the tab's sessionStorage.
    expect(page.url()).not.toContain(gantry.token);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(gantry.token);
    // A reload keeps working from sessionStorage alone.
    await page.reload();
    await expect(page.locator('[data-screen="overview"]')).toHaveAttribute('aria-busy', 'false');

    // Same browser, another local server.
    await page.goto(`${otherOrigin}/`);
    await expect(page).toHaveTitle('probed');
    expect(seen.map((s) => s.url)).toEqual(expect.arrayContaining(['/', '/pixel.png', '/probe']));

    // Nothing it received carries the token or anything derived from it, and replayed to Gantry (as that server
    // could) none of it opens the page's secret or the API.
    for (const s of seen) {
      const received = JSON.stringify(s.headers);
      expect(received).not.toContain(gantry.token);
      const headers: http.OutgoingHttpHeaders = { ...s.headers, host: new URL(gantry.origin).host };
      for (const hop of ['origin', 'referer', 'connection', 'keep-alive']) delete headers[hop];
      for (const target of ['/', '/api/apps', '/api/events', '/metrics']) {
        const res = await replay(gantry.origin, target, headers);
        if (target !== '/') expect(res.status, `${target} with what ${s.url} received`).toBe(401);
        expect(res.body, `${target} with what ${s.url} received`).not.toContain(gantry.token);
      }
      expect(s.headers.cookie, `cookie sent to ${s.url}`).toBeUndefined();
    }
  } finally {
    await context.close();
    await new Promise((r) => other.close(r));
  }
});
