// White-box tests of the gateway's small parsers: request targets, PATH_INFO decoding (as gunicorn's
// unquote_to_wsgi_str), the CGI response head a worker writes, and parser-error statuses.
import { describe, expect, it } from 'vitest';
import { parseHead, CgiResponseParser } from '../../src/fastcgi/cgi-response.js';
import { percentDecodeLatin1, splitTarget } from '../../src/gateway/path-info.js';
import { limitsFrom, statusForParserError } from '../../src/gateway/request-limits.js';

describe('PATH_INFO', () => {
  it('percent-decodes to raw bytes as a latin-1 string', () => {
    expect(percentDecodeLatin1('/a%20b')).toBe('/a b');
    // UTF-8 é is two bytes: PEP 3333 wants them as two latin-1 characters.
    expect(percentDecodeLatin1('/caf%C3%A9')).toBe('/caf\u00c3\u00a9');
    expect(percentDecodeLatin1('/x%2Fy')).toBe('/x/y');
    expect(percentDecodeLatin1('/bad%zz%4')).toBe('/bad%zz%4');
    expect(percentDecodeLatin1('/plain')).toBe('/plain');
  });

  it('splits origin-form and absolute-form targets', () => {
    expect(splitTarget('/p?q=1')).toEqual({ path: '/p', query: 'q=1' });
    expect(splitTarget('/p')).toEqual({ path: '/p', query: '' });
    expect(splitTarget('http://h:8/p/q?x')).toEqual({ path: '/p/q', query: 'x' });
    expect(splitTarget('/p?a#frag')).toEqual({ path: '/p', query: 'a' });
  });
});

describe('CGI response head', () => {
  it('reads Status, keeps headers in order, drops hop-by-hop ones', () => {
    const h = parseHead(
      'Status: 404 Not Here\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nTransfer-Encoding: chunked\r\nConnection: close',
    );
    expect(h).toEqual({
      status: 404,
      reason: 'Not Here',
      headers: ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      close: true,
      contentLength: -1,
      invalid: null,
    });
    expect(parseHead('Location: /x').status).toBe(302);
    expect(parseHead('Content-Type: a/b').status).toBe(200);
    expect(() => parseHead('garbage')).toThrow();
  });

  it('says why a head must not be sent, instead of forwarding it', () => {
    const invalid = (text: string) => parseHead(text).invalid;
    expect(invalid('Status: 100 Continue')).toMatch(/status 100/);
    expect(invalid('Status: 099 Low')).toMatch(/status 099/);
    expect(invalid('Status: 600 High')).toMatch(/status 600/);
    expect(invalid('Status: 200\r\nContent-Length: 2')).toBeNull();
    for (const v of ['abc', '+5', '-5', '5, 5', '5 5', '0x5', '', '99999999999999999999'])
      expect(invalid(`Content-Length: ${v}`), v).toMatch(/Content-Length/);
    expect(invalid('Content-Length: 5\r\nContent-Length: 6')).toMatch(/two different/);
    expect(invalid('Bad Name: x')).toMatch(/not a valid token/);
    expect(invalid('X-A\t: x')).toMatch(/not a valid token/);
    expect(invalid('X-A: a\x00b')).toMatch(/control character/);
  });

  it('folds repeats of one Content-Length into one, and drops it from 204 and 304', () => {
    expect(parseHead('Content-Length: 5\r\nX: y\r\nContent-Length: 5')).toMatchObject({
      headers: ['Content-Length', '5', 'X', 'y'],
      contentLength: 5,
      invalid: null,
    });
    expect(parseHead('Status: 204 No Content\r\nContent-Length: 5')).toMatchObject({ headers: [], contentLength: -1 });
    expect(parseHead('Status: 304 Not Modified\r\nETag: "x"\r\nContent-Length: 5')).toMatchObject({
      headers: ['ETag', '"x"'],
      contentLength: -1,
    });
  });

  it('waits for the blank line across chunks and returns the body after it', () => {
    const p = new CgiResponseParser();
    expect(p.push(Buffer.from('Status: 200 OK\r\nContent-Ty'))).toBeNull();
    const body = p.push(Buffer.from('pe: text/plain\r\n\r\nhello'));
    expect(body?.toString()).toBe('hello');
    expect(p.head?.headers).toEqual(['Content-Type', 'text/plain']);
    expect(p.push(Buffer.from(' more'))?.toString()).toBe(' more');
  });
});

describe('parser errors', () => {
  const limits = limitsFrom({ limitRequestLine: 100, limitRequestFields: 10, limitRequestFieldSize: 50, limitRequestBody: 1000 });
  it('maps llhttp codes to statuses', () => {
    const e = (code: string, raw?: string) => Object.assign(new Error(code), { code, ...(raw ? { rawPacket: Buffer.from(raw) } : {}) });
    expect(statusForParserError(e('HPE_INVALID_METHOD'), limits)?.status).toBe(400);
    expect(statusForParserError(e('HPE_HEADER_OVERFLOW', `GET /${'a'.repeat(200)} HTTP/1.1\r\n`), limits)?.status).toBe(414);
    expect(statusForParserError(e('HPE_HEADER_OVERFLOW', `GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}`), limits)?.status).toBe(431);
    expect(statusForParserError(e('ECONNRESET'), limits)).toBeNull();
    expect(statusForParserError(e('HPE_HEADERS_TIMEOUT'), limits)?.status).toBe(408);
  });
});
