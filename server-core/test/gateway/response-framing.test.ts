// The response side of the wire, driven by an app that misbehaves on purpose (fixtures/apps/misbehave.py):
// whatever the app sends, the client's connection stays framed. Each case sends the bad request with a
// pipelined `GET /ok` behind it on one raw socket and checks the exact bytes received, whether the
// connection was kept or closed, and that the follow-up got its own genuine response (or, when the
// connection had to close, nothing at all: never bytes the first response smuggled in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { parseResponses, RawConnection, type RawResponse } from '../helpers/raw-http.js';

const APPS = join(SERVER_CORE_DIR, 'test', 'fixtures', 'apps');

interface Outcome {
  readonly raw: string;
  readonly responses: RawResponse[];
  readonly rest: string;
  readonly closed: boolean;
  readonly rid: string;
}

let seq = 0;

/** Sends `GET path` (request id rid-N) with a pipelined `GET /ok` behind it; waits for both answers or the close. */
async function probe(server: HttpServer, path: string, method = 'GET'): Promise<Outcome> {
  const rid = `rf-${process.pid}-${++seq}`;
  const c = await RawConnection.connect(server.port);
  try {
    await c.write(
      `${method} ${path} HTTP/1.1\r\nHost: t\r\nX-Request-ID: ${rid}\r\n\r\nGET /ok HTTP/1.1\r\nHost: t\r\nX-Request-ID: ${rid}-next\r\n\r\n`,
    );
    const methods = [method, 'GET'];
    // Bytes that do not parse as responses (a framing slip) settle nothing: the close or the deadline does.
    const answered = (x: RawConnection): boolean => {
      try {
        return parseResponses(x.received, methods, false).responses.filter((r) => r.status >= 200).length >= 2;
      } catch {
        return false;
      }
    };
    await c.waitFor((x) => x.closed || answered(x), 10_000, 'two responses or the close');
    const { responses, rest } = parseResponses(c.received, methods, c.closed);
    return { raw: c.received.toString('latin1'), responses, rest: rest.toString('latin1'), closed: c.closed, rid };
  } finally {
    c.destroy();
  }
}

/** The follow-up got its own answer, on the same (kept) connection. */
function expectGenuineFollowUp(o: Outcome): void {
  expect(o.responses).toHaveLength(2);
  expect(o.responses[1]!.status).toBe(200);
  expect(o.responses[1]!.body.toString()).toBe('ok /ok');
  expect(o.responses[1]!.header('x-request-id')).toBe(`${o.rid}-next`);
  expect(o.rest).toBe('');
  expect(o.closed).toBe(false);
}

/** An app error answered 500 before any byte of the app's response, the connection still usable. */
function expectAppError500(o: Outcome): void {
  expect(o.responses[0]!.status).toBe(500);
  expect(o.responses[0]!.header('x-request-id')).toBe(o.rid);
  expectGenuineFollowUp(o);
}

describe.each([
  ['one gateway process', ['-w', '2', '--threads', '2']],
  ['--gateway-processes 2', ['-w', '2', '--threads', '2', '--gateway-processes', '2']],
])('response framing (%s)', (_label, args) => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await startGantry({
      app: 'misbehave:application',
      chdir: APPS,
      python: SYSTEM_PYTHON,
      args: [...args, '--keep-alive', '30', '--access-logfile', '-', '--access-logformat', 'json', '--metrics-bind', '127.0.0.1:0'],
    });
  });
  afterAll(async () => {
    expect((await server?.stop())?.code).toBe(0);
  });

  const accessEntry = async (rid: string): Promise<Record<string, unknown>> => {
    const m = await server.waitForOutput(new RegExp(`\\{[^\\n]*"request_id":"${rid}"[^\\n]*\\}`), 10_000);
    return JSON.parse(m[0]) as Record<string, unknown>;
  };

  describe('the app sends more than its Content-Length', () => {
    it.each(['/over/list', '/over/gen', '/over/write', '/over/file'])(
      '%s: exactly the declared bytes, then the close; the extra never reaches the client',
      async (path) => {
        const o = await probe(server, path);
        expect(o.responses).toHaveLength(1);
        expect(o.responses[0]!.status).toBe(200);
        expect(o.responses[0]!.header('content-length')).toBe('5');
        expect(o.responses[0]!.body.toString()).toBe('hello');
        expect(o.raw.endsWith('\r\n\r\nhello')).toBe(true);
        expect(o.raw).not.toContain('EXTRA');
        expect(o.closed).toBe(true);
        await server.waitForOutput(new RegExp(`\\[${o.rid}\\].*app error: .*more than its Content-Length \\(5\\)`), 10_000);
      },
    );
  });

  describe('the app sends less than its Content-Length', () => {
    it.each(['/under/list', '/under/gen', '/under/write', '/under/file'])(
      '%s: the short body, then the close; logged as truncated',
      async (path) => {
        const o = await probe(server, path);
        // Not one complete response: the client can tell.
        expect(o.responses).toHaveLength(0);
        expect(o.raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(o.raw).toMatch(/\r\nContent-Length: 10\r\n/i);
        expect(o.raw.endsWith('\r\n\r\nhello')).toBe(true);
        expect(o.closed).toBe(true);
        const entry = await accessEntry(o.rid);
        expect(entry.truncated).toBe(true);
        expect(entry.bytes).toBe(5);
      },
    );
  });

  it('the metrics count the truncated responses', async () => {
    const url = (await server.waitForOutput(/Metrics at: (http:\/\/127\.0\.0\.1:\d+)\/metrics/, 10_000))[1]!;
    const o = await probe(server, '/under/list');
    // The count is taken where the access entry is written, just before it: once the entry is out, it is in.
    expect((await accessEntry(o.rid)).truncated).toBe(true);
    const text = await (await fetch(`${url}/metrics`)).text();
    const count = Number(/^gantry_responses_truncated_total\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
    expect(count).toBeGreaterThan(0);
    // Per worker too: the slots' counts add up to the app's.
    const perWorker = [...text.matchAll(/^gantry_worker_responses_truncated_total\{[^}]*worker="\d+"[^}]*\} (\d+)$/gm)].map((m) =>
      Number(m[1]),
    );
    expect(perWorker.length).toBeGreaterThan(0);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(count);
  });

  describe('a Content-Length that is not one valid non-negative integer', () => {
    it.each([
      '/cl/garbage',
      '/cl/plus',
      '/cl/minus',
      '/cl/list',
      '/cl/two-differing',
      '/cl/space-inside',
      '/cl/hex',
      '/cl/empty',
      '/cl/huge',
    ])('%s: 500, never forwarded; the next request is answered', async (path) => {
      const o = await probe(server, path);
      expectAppError500(o);
      expect(o.raw).not.toContain('hello');
      await server.waitForOutput(new RegExp(`\\[${o.rid}\\].*app error: .*Content-Length`), 10_000);
    });

    it('two equal Content-Length headers are one (RFC 9110 §8.6), sent once', async () => {
      const o = await probe(server, '/cl/two-same');
      expect(o.responses[0]!.status).toBe(200);
      expect(o.responses[0]!.headers.filter(([k]) => k.toLowerCase() === 'content-length')).toEqual([['Content-Length', '5']]);
      expect(o.responses[0]!.body.toString()).toBe('hello');
      expectGenuineFollowUp(o);
    });
  });

  describe('statuses', () => {
    it.each(['/status/100', '/status/101', '/status/099', '/status/600'])(
      "%s as the final status: 500 with the reason in that request's output",
      async (path) => {
        const o = await probe(server, path);
        expectAppError500(o);
        await server.waitForOutput(new RegExp(`\\[${o.rid}\\].*app error: .*status`), 10_000);
      },
    );

    it.each([
      ['/status/noreason', 200, 'OK'],
      ['/status/201noreason', 201, 'Created'],
    ] as const)('%s: a status without a reason phrase is accepted, as gunicorn does', async (path, status, reason) => {
      const o = await probe(server, path);
      expect(o.responses[0]!.status).toBe(status);
      expect(o.responses[0]!.reason).toBe(reason);
      expect(o.responses[0]!.body.toString()).toBe('hello');
      expectGenuineFollowUp(o);
    });

    it.each(['/204', '/304', '/204-chunked'])('%s never carries Content-Length or a body', async (path) => {
      const o = await probe(server, path);
      const head = o.raw.slice(0, o.raw.indexOf('\r\n\r\n') + 4);
      expect(head).not.toMatch(/content-length|transfer-encoding/i);
      expect(o.raw.slice(head.length)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expectGenuineFollowUp(o);
    });
  });

  describe('header names and values no HTTP/1.1 message may carry', () => {
    it.each([
      '/header/name-space',
      '/header/name-paren',
      '/header/name-nonascii',
      '/header/value-nul',
      '/header/value-del',
      '/header/name-empty-ish',
    ])('%s: 500, the worker keeps serving', async (path) => {
      const o = await probe(server, path);
      expectAppError500(o);
      await server.waitForOutput(new RegExp(`\\[${o.rid}\\].*(app error|application error)`), 10_000);
    });
  });

  describe('exceptions', () => {
    it.each(['/raise/before-start', '/raise/after-start', '/raise/iter', '/raise/first-next', '/raise/after-empty'])(
      '%s (before any body byte): 500',
      async (path) => {
        const o = await probe(server, path);
        expectAppError500(o);
      },
    );

    it('after bytes of a chunked response: the stream is cut without its last chunk', async () => {
      const o = await probe(server, '/raise/after-bytes-chunked');
      expect(o.responses).toHaveLength(0);
      expect(o.raw).toMatch(/\r\nTransfer-Encoding: chunked\r\n/i);
      expect(o.raw.endsWith('\r\n\r\n3\r\nabc\r\n')).toBe(true);
      expect(o.closed).toBe(true);
      expect((await accessEntry(o.rid)).truncated).toBe(true);
    });

    it('after write(): the chunked stream is cut', async () => {
      const o = await probe(server, '/raise/after-write');
      expect(o.responses).toHaveLength(0);
      expect(o.raw.endsWith('\r\n\r\n3\r\nabc\r\n')).toBe(true);
      expect(o.closed).toBe(true);
    });

    it('after bytes of a response with a Content-Length: the short body, then the close', async () => {
      const o = await probe(server, '/raise/after-bytes-length');
      expect(o.responses).toHaveLength(0);
      expect(o.raw.endsWith('\r\n\r\nabc')).toBe(true);
      expect(o.closed).toBe(true);
    });

    it('in close(), after the whole response: the response stands, the connection too', async () => {
      const o = await probe(server, '/raise/close');
      expect(o.responses[0]!.status).toBe(200);
      expect(o.responses[0]!.body.toString()).toBe('hello');
      expectGenuineFollowUp(o);
    });
  });

  it("the app's own X-Request-ID is replaced by the request's id: one header, the id in the access log", async () => {
    const o = await probe(server, '/own-request-id');
    expect(o.responses[0]!.headers.filter(([k]) => k.toLowerCase() === 'x-request-id')).toEqual([['X-Request-ID', o.rid]]);
    expect((await accessEntry(o.rid)).status).toBe(200);
    expectGenuineFollowUp(o);
  });

  it('a HEAD keeps the Content-Length the app declared for GET, with no body', async () => {
    const o = await probe(server, '/under/list', 'HEAD');
    expect(o.responses[0]!.header('content-length')).toBe('10');
    expect(o.responses[0]!.body.length).toBe(0);
    expectGenuineFollowUp(o);
  });
});
