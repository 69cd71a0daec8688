// The test harness tested: the raw response parser and the corpus file decoding. A bug here would
// make conformance tests pass or fail for the wrong reason.
import { describe, expect, it } from 'vitest';
import { decodeEscapes, expandMacros } from '../http-corpus/corpus.js';
import { parseResponses } from './raw-http.js';
import { requireTool } from './tools.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseResponses', () => {
  it('splits pipelined Content-Length responses and keeps the rest', () => {
    const { responses, rest } = parseResponses(
      b('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 2'),
    );
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([
      [200, 'hi'],
      [404, ''],
    ]);
    expect(rest.toString()).toBe('HTTP/1.1 2');
  });

  it('decodes chunked bodies with extensions and trailers', () => {
    const { responses } = parseResponses(
      b(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
      ),
    );
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([
      [200, 'abcde'],
      [204, ''],
    ]);
  });

  it('waits for an incomplete chunked body', () => {
    expect(parseResponses(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab')).responses).toEqual([]);
  });

  it('gives HEAD responses no body even with a Content-Length, and counts interim 100s apart', () => {
    const { responses } = parseResponses(
      b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      ['HEAD', 'GET'],
    );
    expect(responses.map((r) => [r.status, r.body.length])).toEqual([
      [100, 0],
      [200, 0],
      [200, 2],
    ]);
  });

  it('reads a close-delimited body only once the connection closed', () => {
    const raw = b('HTTP/1.0 200 OK\r\n\r\nuntil close');
    expect(parseResponses(raw, [], false).responses).toHaveLength(0);
    expect(parseResponses(raw, [], true).responses[0]!.body.toString()).toBe('until close');
  });

  it('looks headers up case-insensitively', () => {
    const [r] = parseResponses(b('HTTP/1.1 200 OK\r\ncontent-LENGTH: 0\r\nX-A: 1\r\n\r\n')).responses;
    expect(r!.header('Content-Length')).toBe('0');
    expect(r!.header('x-a')).toBe('1');
  });

  it('rejects bytes that are not a response', () => {
    expect(() => parseResponses(b('garbage\r\n\r\n'))).toThrow(/not an HTTP response/);
  });
});

describe('corpus file decoding', () => {
  it('decodes escapes byte for byte', () => {
    expect([...decodeEscapes('a\\r\\n\\t\\\\\\x00\\xff')]).toEqual([97, 13, 10, 9, 92, 0, 255]);
  });

  it('expands macros', () => {
    expect(expandMacros('{repeat:3:ab}')).toBe('ababab');
    expect(decodeEscapes(expandMacros('{headers:2}')).toString()).toBe('X-H-1: v\r\nX-H-2: v\r\n');
    expect(decodeEscapes(expandMacros('{bigheaders:1:3}')).toString()).toBe('X-Big-1: bbb\r\n');
  });
});

describe('requireTool', () => {
  it('finds a tool that exists', () => {
    expect(requireTool('sh').path).toMatch(/\/sh$/);
  });

  it('fails on CI and skips loudly elsewhere when a tool is missing', () => {
    const saved = process.env.CI;
    try {
      process.env.CI = 'true';
      expect(() => requireTool('gantry-no-such-tool')).toThrow(/not found/);
      process.env.CI = '';
      const t = requireTool('gantry-no-such-tool');
      expect(t.path).toBeNull();
      expect(t.skipReason).toMatch(/gantry-no-such-tool/);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});
