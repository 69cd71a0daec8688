// Differential for hop-by-hop response headers an app sets (Connection, Keep-Alive, Upgrade, Trailers,
// Proxy-Authenticate): Debian's gunicorn (gthread, keep-alive on) and `gantry serve` both drop them and
// answer 200 with the same end-to-end headers. One deliberate difference, checked on both sides: an app's
// `Connection: close` makes Gantry close the connection after the response; gunicorn 20.1 ignores it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { startGunicorn } from '../helpers/gunicorn.js';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection, type RawResponse } from '../helpers/raw-http.js';
import { requirePythonModule } from '../helpers/tools.js';
import { FIXTURE_APPS } from '../runtime/harness.js';

const gunicornTool = await requirePythonModule(SYSTEM_PYTHON, 'gunicorn', 'apt-get install gunicorn');

/** Headers each server sets itself, whatever the app did. */
const OWN = new Set(['date', 'server', 'x-request-id', 'connection', 'keep-alive']);

function endToEnd(r: RawResponse): string[] {
  return r.headers
    .map(([k, v]) => `${k.toLowerCase()}: ${v}`)
    .filter((h) => !OWN.has(h.slice(0, h.indexOf(':'))))
    .sort();
}

async function exchange(port: number, target: string): Promise<{ response: RawResponse; closed: boolean }> {
  const c = await RawConnection.connect(port);
  try {
    await c.write(`GET ${target} HTTP/1.1\r\nHost: differential.test\r\n\r\n`);
    const { responses } = await c.responses(1);
    // Ask again on the same connection: answered if the server kept it, else the close arrives.
    await c.write('GET / HTTP/1.1\r\nHost: differential.test\r\n\r\n').catch(() => undefined);
    const second = await c.responses(2);
    return { response: responses[0]!, closed: second.responses.length < 2 };
  } finally {
    c.destroy();
  }
}

describe.skipIf(!gunicornTool.path)('hop-by-hop headers from the app: Gantry vs gunicorn', () => {
  let gunicorn: HttpServer;
  let gantry: HttpServer;
  beforeAll(async () => {
    [gunicorn, gantry] = await Promise.all([
      startGunicorn({
        app: 'conformance:application',
        chdir: FIXTURE_APPS,
        workers: 1,
        threads: 2,
        workerClass: 'gthread',
        args: ['--keep-alive', '30'],
      }),
      startGantry({ app: 'conformance:application', chdir: FIXTURE_APPS, python: SYSTEM_PYTHON, args: ['-w', '1', '--keep-alive', '30'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gunicorn?.stop(), gantry?.stop()]);
  });

  it('Connection: keep-alive, Keep-Alive, Upgrade, Trailers, Proxy-Authenticate: dropped by both, same end-to-end headers, connection kept', async () => {
    const [g, t] = await Promise.all([
      exchange(gunicorn.port, '/hop?connection=keep-alive'),
      exchange(gantry.port, '/hop?connection=keep-alive'),
    ]);
    expect(t.response.status).toBe(g.response.status);
    expect(g.response.status).toBe(200);
    expect(endToEnd(t.response)).toEqual(endToEnd(g.response));
    expect(endToEnd(g.response)).toEqual(['content-length: 3', 'content-type: text/plain', 'x-kept: yes']);
    for (const r of [g.response, t.response]) expect(r.header('keep-alive') ?? '').not.toContain('timeout=99');
    expect(t.response.body.toString()).toBe(g.response.body.toString());
    expect(g.closed).toBe(false);
    expect(t.closed).toBe(false);
  });

  it('Connection: close: dropped by both as a header; Gantry honours it by closing, gunicorn keeps the connection (deliberate)', async () => {
    const [g, t] = await Promise.all([exchange(gunicorn.port, '/hop'), exchange(gantry.port, '/hop')]);
    expect(endToEnd(t.response)).toEqual(endToEnd(g.response));
    expect(t.response.header('connection')?.toLowerCase()).toBe('close');
    expect(t.closed).toBe(true);
    expect(g.response.header('connection')?.toLowerCase()).not.toBe('close');
    expect(g.closed).toBe(false);
  });
});
