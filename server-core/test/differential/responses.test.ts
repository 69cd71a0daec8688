// Differential, the other direction: what a client receives from the real Flask fixture under
// gunicorn (sync) and under Gantry. Same status line, same body bytes, same headers, except the
// ones listed in IGNORED_HEADERS (each with why).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { startGunicorn } from '../helpers/gunicorn.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { rawExchange, type RawResponse } from '../helpers/raw-http.js';
import { requirePythonModule } from '../helpers/tools.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');
const gunicornTool = await requirePythonModule(SYSTEM_PYTHON, 'gunicorn', 'apt-get install gunicorn');

/** Response headers that must or may differ, and why. */
const IGNORED_HEADERS: Readonly<Record<string, string>> = {
  date: 'the clock moves between the two requests',
  server: 'gunicorn names itself; Gantry sends no Server header',
  'x-request-id': 'Gantry echoes the request id it passed to the app (HTTP_X_REQUEST_ID) so a client can quote it',
};

const H = 'Host: differential.test\r\nConnection: close\r\n';
const CASES: ReadonlyArray<{ name: string; raw: string; method?: string }> = [
  { name: 'HTML page', raw: `GET / HTTP/1.1\r\n${H}\r\n` },
  { name: 'JSON', raw: `GET /json HTTP/1.1\r\n${H}\r\n` },
  { name: 'HEAD', raw: `HEAD /json HTTP/1.1\r\n${H}\r\n`, method: 'HEAD' },
  { name: 'OPTIONS (Flask answers with Allow)', raw: `OPTIONS /json HTTP/1.1\r\n${H}\r\n` },
  { name: 'static file', raw: `GET /static/style.css HTTP/1.1\r\n${H}\r\n` },
  { name: '404 page', raw: `GET /nope HTTP/1.1\r\n${H}\r\n` },
  { name: '405', raw: `GET /upload HTTP/1.1\r\n${H}\r\n` },
  { name: '500 from an exception', raw: `GET /error HTTP/1.1\r\n${H}\r\n` },
  { name: '301 redirect', raw: `GET /redirect?to=/json&code=301 HTTP/1.1\r\n${H}\r\n` },
  { name: 'two Set-Cookie headers', raw: `GET /cookie/set?value=rye HTTP/1.1\r\n${H}\r\n` },
  {
    name: 'form POST -> 302 + session cookie',
    raw: `POST /form HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\nname=Ada`,
  },
  { name: 'generator response, HTTP/1.1 (chunked)', raw: `GET /stream?lines=3 HTTP/1.1\r\n${H}\r\n` },
  { name: 'generator response, HTTP/1.0', raw: `GET /stream?lines=3 HTTP/1.0\r\nHost: differential.test\r\n\r\n` },
  { name: 'send_file download', raw: `GET /download?size=100000 HTTP/1.1\r\n${H}\r\n` },
  { name: '304 Not Modified', raw: `GET /static/style.css HTTP/1.1\r\n${H}If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n\r\n` },
];

/** Header name → values, minus the ignored ones; a session cookie's signed value is masked (it embeds a timestamp). */
function comparable(r: RawResponse): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of r.headers) {
    const name = k.toLowerCase();
    if (name in IGNORED_HEADERS) continue;
    let value = v;
    if (name === 'set-cookie') value = v.replace(/^session=[^;]*/, 'session=<signed>');
    // Flask builds Allow from a set: its order changes with each process's hash seed, not the server.
    if (name === 'allow')
      value = v
        .split(',')
        .map((m) => m.trim())
        .sort()
        .join(', ');
    (out[name] ??= []).push(value);
  }
  return out;
}

describe.skipIf(!flask.path || !gunicornTool.path)('responses: Gantry vs gunicorn, Flask fixture', () => {
  let gunicorn: HttpServer;
  let gantry: HttpServer;
  beforeAll(async () => {
    const chdir = fixtureProject('flaskapp');
    [gunicorn, gantry] = await Promise.all([
      startGunicorn({ app: 'flaskapp:app', chdir, workers: 1, workerClass: 'sync' }),
      startGantry({ app: 'flaskapp:app', chdir, python: SYSTEM_PYTHON, args: ['-w', '1'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gunicorn?.stop(), gantry?.stop()]);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const methods = c.method ? [c.method] : [];
      const [g, t] = await Promise.all([rawExchange(gunicorn.port, c.raw, { methods }), rawExchange(gantry.port, c.raw, { methods })]);
      const gr = g.responses.filter((r) => r.status >= 200);
      const tr = t.responses.filter((r) => r.status >= 200);
      expect(gr).toHaveLength(1);
      expect(tr).toHaveLength(1);
      expect(`${tr[0]!.status} ${tr[0]!.reason}`).toBe(`${gr[0]!.status} ${gr[0]!.reason}`);
      // Deliberate: to an HTTP/1.0 request gunicorn answers "HTTP/1.0"; Gantry (node:http) answers
      // "HTTP/1.1", the highest version it conforms to, as RFC 9110 2.5 says a server SHOULD.
      // Framing still follows the client's version (no chunked, close-delimited): compared below.
      const http10 = c.raw.split('\r\n')[0]!.endsWith('HTTP/1.0');
      expect(gr[0]!.version).toBe(http10 ? 'HTTP/1.0' : 'HTTP/1.1');
      expect(tr[0]!.version).toBe('HTTP/1.1');
      expect(comparable(tr[0]!)).toEqual(comparable(gr[0]!));
      expect(tr[0]!.body.equals(gr[0]!.body)).toBe(true);
      expect(t.closed).toBe(g.closed);
    });
  }
});
