// Access log lines against what gunicorn writes for the same request (its default format and each atom),
// and JSON lines that stay one line and valid JSON whatever the values hold.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_LOG_FORMAT } from '../../src/config/settings.js';
import { compileAccessFormat, formatAccessTime, formatNeedsHeaders } from '../../src/logging/access-log-format.js';
import { formatLogTime } from '../../src/logging/error-log.js';
import type { AccessEntry } from '../../src/runtime/types.js';

process.env.TZ = 'UTC';
const TIME = Date.UTC(2026, 10, 24, 1, 2, 3);

const entry: AccessEntry = {
  time: TIME,
  app: 'demo',
  requestId: 'abc-1',
  method: 'GET',
  path: '/search',
  query: 'q=1&r=2',
  protocol: 'HTTP/1.1',
  status: 200,
  bytes: 1234,
  durationMs: 1523.4567,
  workerPid: 4121,
  remoteAddr: '127.0.0.1',
  userAgent: 'curl/8.5.0',
  referer: '',
  requestHeaders: { 'x-forwarded-for': '10.1.1.1', host: 'example.com' },
  responseHeaders: { 'content-type': 'text/html' },
};

describe('access log format', () => {
  it("matches gunicorn's default output exactly", () => {
    // gunicorn: 127.0.0.1 - - [24/Nov/2026:01:02:03 +0000] "GET /search?q=1&r=2 HTTP/1.1" 200 1234 "-" "curl/8.5.0"
    expect(compileAccessFormat(DEFAULT_ACCESS_LOG_FORMAT)(entry)).toBe(
      '127.0.0.1 - - [24/Nov/2026:01:02:03 +0000] "GET /search?q=1&r=2 HTTP/1.1" 200 1234 "-" "curl/8.5.0"',
    );
  });

  it('renders every atom', () => {
    const f = compileAccessFormat(
      '%(h)s|%(l)s|%(u)s|%(r)s|%(s)s|%(m)s|%(U)s|%(q)s|%(H)s|%(b)s|%(B)s|%(f)s|%(a)s|%(T)s|%(M)s|%(D)s|%(L)s|%(p)s|%%',
    );
    expect(f(entry)).toBe(
      `127.0.0.1|-|-|GET /search?q=1&r=2 HTTP/1.1|200|GET|/search|q=1&r=2|HTTP/1.1|1234|1234|-|curl/8.5.0|1|1523|1523456|1.523456|<${process.pid}>|%`,
    );
  });

  it('reads request/response headers and environ variables, "-" when missing', () => {
    const f = compileAccessFormat(
      '%({X-Forwarded-For}i)s %({content-type}o)s %({x-missing}i)s %({REMOTE_ADDR}e)s %({HTTP_HOST}e)s %({NOPE}e)s',
    );
    expect(f(entry)).toBe('10.1.1.1 text/html - 127.0.0.1 example.com -');
    expect(formatNeedsHeaders('%({x}i)s')).toBe(true);
    expect(formatNeedsHeaders(DEFAULT_ACCESS_LOG_FORMAT)).toBe(false);
  });

  it('takes the user from Basic auth (u)', () => {
    expect(compileAccessFormat('%(u)s')({ ...entry, remoteUser: 'alice' })).toBe('alice');
  });

  it('json mode escapes quotes, newlines and control characters into one valid line', () => {
    const nasty = { ...entry, path: '/a"b\nc', userAgent: 'x\u0000y\u001b[31m', referer: '\\' };
    const line = compileAccessFormat('json')(nasty);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      path: '/a"b\nc',
      user_agent: 'x\u0000y\u001b[31m',
      referer: '\\',
      status: 200,
      bytes: 1234,
      request_id: 'abc-1',
      time: '2026-11-24T01:02:03.000Z',
    });
  });

  it('json mode carries where the time went, when the request reached a worker', () => {
    const timed = { ...entry, timing: { queueMs: 0.5, appMs: 12.25, ttfbMs: 12.75, transferMs: 0.1234567 } };
    expect(JSON.parse(compileAccessFormat('json')(timed))).toMatchObject({
      queue_ms: 0.5,
      app_ms: 12.25,
      ttfb_ms: 12.75,
      transfer_ms: 0.123,
    });
    expect(JSON.parse(compileAccessFormat('json')(entry))).not.toHaveProperty('queue_ms');
  });

  it('formats times as gunicorn does', () => {
    expect(formatAccessTime(TIME)).toBe('[24/Nov/2026:01:02:03 +0000]');
    expect(formatLogTime(TIME)).toBe('2026-11-24 01:02:03 +0000');
  });
});
