// The gateway over real Python workers (fixture app under wsgiref.validate): keep-alive, pipelining,
// chunked bodies both ways, 100-continue, HEAD, 204/304, request ids, PATH_INFO bytes, errors.
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RawConnection, rawExchange } from '../helpers/raw-http.js';
import { appScope, until } from '../runtime/harness.js';
import { fetchRaw } from './http-client.js';

const app = appScope({ workers: 2, limitRequestBody: 1_000_000 });

describe('HTTP/1.1 behaviour', () => {
  it('serves several requests on one keep-alive connection', async () => {
    const c = await RawConnection.connect(app.port);
    try {
      await c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await c.responses(1);
      await c.write('GET /pid HTTP/1.1\r\nHost: x\r\n\r\n');
      const { responses, closed } = await c.responses(2);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(responses[0]!.body.toString()).toBe('hello world\n');
      expect(closed).toBe(false);
    } finally {
      c.destroy();
    }
  });

  it('answers pipelined requests in order', async () => {
    const reqs = ['/status?code=404', '/slow?ms=100', '/status?code=418', '/'].map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const { responses } = await rawExchange(app.port, reqs, { expect: 4 });
    expect(responses.map((r) => r.status)).toEqual([404, 200, 418, 200]);
    expect(responses[1]!.body.toString()).toBe('slow done');
  });

  it('answers a client that half-closes after its pipelined requests, then closes', async () => {
    const reqs = ['/slow?ms=100', '/pid'].map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = createConnection(app.port, '127.0.0.1');
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
      socket.end(reqs);
    });
    expect(text.match(/HTTP\/1\.1 200 OK\r\n/g)?.length).toBe(2);
    expect(text).toMatch(/slow done/);
  });

  it('answers CONNECT with 501 and an access entry, then closes; the next connection is served', async () => {
    const before = app.access.length;
    const c = await RawConnection.connect(app.port);
    try {
      await c.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
      const { responses } = await c.responses(1);
      expect(responses[0]!.status).toBe(501);
      expect(await c.waitForClose()).toBe(true);
    } finally {
      c.destroy();
    }
    await until(() => app.access.length > before, 5_000, 'access entry');
    expect(app.access.at(-1)).toMatchObject({ method: 'CONNECT', status: 501 });
    expect((await fetchRaw(`${app.url}/`)).status).toBe(200);
  });

  it('streams a chunked upload to the app and a chunked download back', async () => {
    const body = '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const { responses } = await rawExchange(app.port, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
    expect(responses[0]!.status).toBe(200);
    expect(responses[0]!.body.toString()).toBe('hello world');
    const dl = await rawExchange(app.port, 'GET /stream?n=3 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(dl.responses[0]!.header('transfer-encoding')).toBe('chunked');
    expect(dl.responses[0]!.body.toString()).toBe('part 0\npart 1\npart 2\n');
  });

  it('frames an unsized response by closing on HTTP/1.0', async () => {
    const { responses, closed, received } = await rawExchange(app.port, 'GET /stream?n=2 HTTP/1.0\r\n\r\n');
    expect(closed).toBe(true);
    expect(responses[0]!.status).toBe(200);
    expect(responses[0]!.header('transfer-encoding')).toBeUndefined();
    expect(received.toString()).toMatch(/\r\n\r\npart 0\npart 1\n$/);
  });

  it('sends 100 Continue only when the request is dispatched, 413 instead when too large', async () => {
    const c = await RawConnection.connect(app.port);
    try {
      await c.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
      await c.waitFor((x) => x.received.toString().startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 10_000, '100 Continue');
      await c.write('abcde');
      const { responses } = await c.responses(1);
      expect(responses.filter((r) => r.status >= 200).map((r) => [r.status, r.body.toString()])).toEqual([[200, 'abcde']]);
    } finally {
      c.destroy();
    }
    const big = await rawExchange(app.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n');
    expect(big.responses.map((r) => r.status)).toEqual([413]);
    expect(big.received.toString()).not.toContain('100 Continue');
  });

  it('HEAD gets the headers and no body; 204 and 304 have no body', async () => {
    const { responses } = await rawExchange(
      app.port,
      'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /status?code=204 HTTP/1.1\r\nHost: x\r\n\r\nGET /status?code=304 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
      { methods: ['HEAD', 'GET', 'GET', 'GET'], expect: 4 },
    );
    expect(responses.map((r) => r.status)).toEqual([200, 204, 304, 200]);
    expect(responses[0]!.header('content-length')).toBe('12');
    expect(responses[0]!.body.length).toBe(0);
    expect(responses[1]!.body.length).toBe(0);
    expect(responses[1]!.header('transfer-encoding')).toBeUndefined();
    expect(responses[2]!.body.length).toBe(0);
    expect(responses[3]!.body.toString()).toBe('hello world\n');
  });

  it('passes a clean X-Request-ID through, sanitises a dirty one, makes one when absent', async () => {
    const a = await fetchRaw(`${app.url}/environ`, { headers: { 'X-Request-ID': 'my-id.1' } });
    expect(a.headers['x-request-id']).toBe('my-id.1');
    expect(JSON.parse(a.text()).HTTP_X_REQUEST_ID).toBe('my-id.1');
    const b = await fetchRaw(`${app.url}/environ`, { headers: { 'X-Request-ID': 'a b<c>' } });
    expect(b.headers['x-request-id']).toBe('abc');
    const c = await fetchRaw(`${app.url}/environ`);
    expect(c.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(JSON.parse(c.text()).HTTP_X_REQUEST_ID).toBe(c.headers['x-request-id']);
  });

  it('gives the app PATH_INFO as percent-decoded bytes in latin-1, and the CGI variables', async () => {
    const r = await rawExchange(
      app.port,
      'GET /environ/caf%C3%A9%20x?a=%20b HTTP/1.1\r\nHost: example.com:8080\r\nCookie: a=1\r\nCookie: b=2\r\nX-Dup: 1\r\nX-Dup: 2\r\nWeird_Header: no\r\n\r\n',
    );
    const env = JSON.parse(r.responses[0]!.body.toString()) as Record<string, string>;
    expect(env.PATH_INFO).toBe('/environ/caf\u00c3\u00a9 x');
    expect(env.QUERY_STRING).toBe('a=%20b');
    expect(env.SCRIPT_NAME).toBe('');
    expect(env.REQUEST_METHOD).toBe('GET');
    expect(env.SERVER_NAME).toBe('example.com');
    expect(env.SERVER_PORT).toBe('8080');
    expect(env.SERVER_PROTOCOL).toBe('HTTP/1.1');
    expect(env.REMOTE_ADDR).toBe('127.0.0.1');
    expect(env.HTTP_COOKIE).toBe('a=1; b=2');
    expect(env.HTTP_X_DUP).toBe('1, 2');
    expect(env.HTTP_WEIRD_HEADER).toBeUndefined();
  });

  it('answers 500 when the app raises and keeps serving; the traceback carries the request id', async () => {
    const lines: string[] = [];
    const off = app.runtime.on('output', (l) => {
      if (l.requestId === 'boom-1') lines.push(l.text);
    });
    const r = await fetchRaw(`${app.url}/error`, { headers: { 'X-Request-ID': 'boom-1' } });
    expect(r.status).toBe(500);
    await until(() => lines.some((l) => l.includes('boom from the fixture app')), 5000, 'traceback line');
    off();
    expect((await fetchRaw(`${app.url}/`)).status).toBe(200);
  });

  it('tags wsgi.errors output with the request id and logs one access entry per request', async () => {
    const seen: string[] = [];
    const off = app.runtime.on('output', (l) => {
      if (l.requestId === 'err-7') seen.push(l.text);
    });
    const r = await fetchRaw(`${app.url}/stderr?x=1`, { headers: { 'X-Request-ID': 'err-7', 'User-Agent': 'tester' } });
    expect(r.status).toBe(200);
    await until(() => seen.includes('line for the log'), 5000, 'stderr line');
    off();
    const entry = app.access.find((e) => e.requestId === 'err-7');
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/stderr',
      query: 'x=1',
      status: 200,
      bytes: 2,
      userAgent: 'tester',
      protocol: 'HTTP/1.1',
    });
    expect(entry!.workerPid).toBeGreaterThan(0);
  });
});
