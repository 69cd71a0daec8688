// Gantry's own addition over gunicorn: `--static URL=DIR` serves files in the gateway, before the
// app. Checked beside the real Flask app: mapped files come from the gateway, everything else still
// reaches Flask, and nothing outside DIR can be reached.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { rawExchange } from '../helpers/raw-http.js';
import { requirePythonModule } from '../helpers/tools.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');

describe.skipIf(!flask.path)('gantry serve --static beside the Flask fixture', () => {
  let server: HttpServer;
  beforeAll(async () => {
    const project = fixtureProject('flaskapp');
    // Flask has no /assets route: a 200 there can only come from the gateway.
    server = await startGantry({
      app: 'flaskapp:app',
      chdir: project,
      python: SYSTEM_PYTHON,
      args: ['--static', `/assets=${join(project, 'static')}`],
    });
  });
  afterAll(async () => {
    const exit = await server?.stop();
    expect(exit?.code).toBe(0);
  });

  it('serves a mapped file from the gateway, with its type and length', async () => {
    const res = await fetch(`${server.url}/assets/style.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    const text = await res.text();
    expect(text).toContain('gantry-static-marker');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
  });

  it('answers a conditional GET with 304', async () => {
    const first = await fetch(`${server.url}/assets/style.css`);
    await first.arrayBuffer();
    const validator = first.headers.get('etag') ?? first.headers.get('last-modified');
    expect(validator).toBeTruthy();
    const header = first.headers.get('etag') ? `If-None-Match: ${validator}` : `If-Modified-Since: ${validator}`;
    const { responses } = await rawExchange(
      server.port,
      `GET /assets/style.css HTTP/1.1\r\nHost: x\r\n${header}\r\nConnection: close\r\n\r\n`,
    );
    expect(responses.map((r) => [r.status, r.body.length])).toEqual([[304, 0]]);
  });

  it('a missing file under the mapping is 404', async () => {
    const res = await fetch(`${server.url}/assets/nope.css`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });

  it.each(['/assets/../flaskapp.py', '/assets/%2e%2e/flaskapp.py', '/assets/..%2fflaskapp.py', '/assets/%2e%2e%2fflaskapp.py'])(
    'never serves a file outside the mapped folder: %s',
    async (path) => {
      const { responses } = await rawExchange(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(responses).toHaveLength(1);
      expect(responses[0]!.body.toString('latin1')).not.toContain('from flask import');
      expect([200, 400, 403, 404]).toContain(responses[0]!.status);
    },
  );

  it('everything else still reaches Flask (its own /static and routes)', async () => {
    const own = await fetch(`${server.url}/static/style.css`);
    expect(own.status).toBe(200);
    await own.arrayBuffer();
    const json = await fetch(`${server.url}/json`);
    expect(await json.json()).toEqual({ message: 'Hello, World!' });
  });
});
