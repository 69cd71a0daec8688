// Interop: libfcgi's own client, `cgi-fcgi -bind -connect SOCK`, talking to a Gantry worker started
// from app/gantry_worker.py. A second FastCGI peer nobody here wrote, and one that does NOT set
// FCGI_KEEP_CONN: the worker must close the connection after each request, as FastCGI 1.0 says.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import type { StartedProcess } from '../helpers/process.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { requireTool } from '../helpers/tools.js';
import { startWorker } from '../helpers/worker.js';

const cgiFcgi = requireTool('cgi-fcgi', 'apt-get install libfcgi-bin');

interface CgiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Runs one request through cgi-fcgi: CGI variables in its environment, the body on its stdin. */
function cgiRequest(sock: string, vars: Record<string, string>, body: Buffer = Buffer.alloc(0)): Promise<CgiResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn(cgiFcgi.path!, ['-bind', '-connect', sock], {
      env: {
        SERVER_PROTOCOL: 'HTTP/1.1',
        SERVER_NAME: 'localhost',
        SERVER_PORT: '80',
        REMOTE_ADDR: '127.0.0.1',
        SCRIPT_NAME: '',
        QUERY_STRING: '',
        ...vars,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    // 'close', not 'exit': only then has all of cgi-fcgi's stdout been read (exit can come first).
    child.once('close', (code) => {
      const raw = Buffer.concat(out);
      const split = raw.indexOf('\r\n\r\n');
      if (code !== 0 || split < 0) return reject(new Error(`cgi-fcgi exited ${code}: ${err} ${raw.toString('latin1').slice(0, 300)}`));
      const headers: Record<string, string> = {};
      for (const line of raw.subarray(0, split).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number((headers.status ?? '200').split(' ')[0]), headers, body: raw.subarray(split + 4) });
    });
    // cgi-fcgi reads stdin only up to CONTENT_LENGTH and may exit first: a broken pipe is not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
  });
}

describe.skipIf(!cgiFcgi.path)('cgi-fcgi (libfcgi) -> gantry worker -> environ echo', () => {
  let tmp: TempDir;
  let worker: StartedProcess;
  let sock: string;

  beforeAll(async () => {
    tmp = await makeTempDir('gantry-cgifcgi-');
    sock = join(tmp.path, 'w.sock');
    worker = await startWorker({
      python: SYSTEM_PYTHON,
      app: 'environ_echo:application',
      chdir: fixtureProject('echo'),
      listen: `unix:${sock}`,
      threads: 2,
    });
  });
  afterAll(async () => {
    const exit = await worker?.stop();
    await tmp?.remove();
    expect(exit?.code).toBe(0);
  });

  it('answers a GET with the CGI variables as the WSGI environ', async () => {
    const res = await cgiRequest(sock, {
      REQUEST_METHOD: 'GET',
      PATH_INFO: '/caf\u00e9/x',
      QUERY_STRING: 'a=1&b=%20',
      HTTP_HOST: 'example.test',
      HTTP_X_CUSTOM: 'yes',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const echo = JSON.parse(res.body.toString()) as { environ: Record<string, unknown>; body: string };
    expect(echo.environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      QUERY_STRING: 'a=1&b=%20',
      HTTP_HOST: 'example.test',
      HTTP_X_CUSTOM: 'yes',
      SCRIPT_NAME: '',
      'wsgi.url_scheme': 'http',
    });
    expect(echo.body).toBe('');
  });

  it('streams a 1 MB POST body through FCGI_STDIN intact', async () => {
    const body = Buffer.alloc(1024 * 1024, 'q');
    const res = await cgiRequest(
      sock,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/up', CONTENT_TYPE: 'application/octet-stream', CONTENT_LENGTH: String(body.length) },
      body,
    );
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body.toString()) as { body_length: number; environ: Record<string, unknown> };
    expect(echo.body_length).toBe(body.length);
    expect(echo.environ.CONTENT_LENGTH).toBe(String(body.length));
  });

  it('serves many one-request connections in a row and at once (no FCGI_KEEP_CONN)', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await cgiRequest(sock, { REQUEST_METHOD: 'GET', PATH_INFO: `/seq/${i}` });
      expect(res.status).toBe(200);
    }
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) => cgiRequest(sock, { REQUEST_METHOD: 'GET', PATH_INFO: `/par/${i}` })),
    );
    expect(all.map((r) => (JSON.parse(r.body.toString()) as { environ: { PATH_INFO: string } }).environ.PATH_INFO)).toEqual(
      Array.from({ length: 10 }, (_, i) => `/par/${i}`),
    );
  });
});
