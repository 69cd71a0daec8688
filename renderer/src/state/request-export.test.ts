import { describe, expect, it } from 'vitest';
import type { AccessEntry } from '../api/contract';
import { CSV_COLUMNS, toCsv, toHar, toNdjson } from './request-export';

const base: AccessEntry = {
  time: Date.UTC(2026, 11, 4, 18, 0, 0),
  app: 'a',
  requestId: 'r1',
  method: 'GET',
  path: '/items/1',
  query: 'q=a%20b&x=1',
  protocol: 'HTTP/1.1',
  status: 200,
  bytes: 12,
  durationMs: 5.5,
  workerPid: 7,
  remoteAddr: '127.0.0.1',
  userAgent: 'curl/8',
  referer: '',
  timing: { queueMs: 0.5, appMs: 4, ttfbMs: 4.5, transferMs: 1 },
};

/**
 * The HAR 1.2 spec's required fields (http://www.softwareishard.com/blog/har-12-spec/), and their types.
 * Optional fields (pages, pageref, serverIPAddress, connection, comment, timings.blocked/dns/connect/ssl) may be absent.
 */
const HAR_REQUIRED: Record<string, Record<string, 'string' | 'number' | 'array' | 'object'>> = {
  log: { version: 'string', creator: 'object', entries: 'array' },
  creator: { name: 'string', version: 'string' },
  entry: { startedDateTime: 'string', time: 'number', request: 'object', response: 'object', cache: 'object', timings: 'object' },
  request: {
    method: 'string',
    url: 'string',
    httpVersion: 'string',
    cookies: 'array',
    headers: 'array',
    queryString: 'array',
    headersSize: 'number',
    bodySize: 'number',
  },
  response: {
    status: 'number',
    statusText: 'string',
    httpVersion: 'string',
    cookies: 'array',
    headers: 'array',
    content: 'object',
    redirectURL: 'string',
    headersSize: 'number',
    bodySize: 'number',
  },
  content: { size: 'number', mimeType: 'string' },
  timings: { send: 'number', wait: 'number', receive: 'number' },
  nameValue: { name: 'string', value: 'string' },
};

function check(kind: string, obj: unknown, where: string): string[] {
  const o = (obj ?? {}) as Record<string, unknown>;
  return Object.entries(HAR_REQUIRED[kind]!).flatMap(([k, type]) => {
    const v = o[k];
    const ok =
      type === 'array'
        ? Array.isArray(v)
        : type === 'object'
          ? typeof v === 'object' && v !== null && !Array.isArray(v)
          : typeof v === type;
    return ok ? [] : [`${where}.${k} should be ${type}`];
  });
}

function validateHar(har: unknown): string[] {
  const log = (har as { log: Record<string, unknown> }).log;
  const errs = [...check('log', log, 'log'), ...check('creator', log.creator, 'log.creator')];
  if (log.version !== '1.2') errs.push('log.version should be 1.2');
  (log.entries as Record<string, unknown>[]).forEach((e, i) => {
    const w = `entries[${i}]`;
    errs.push(...check('entry', e, w));
    if (Number.isNaN(Date.parse(e.startedDateTime as string)) || !/T.*Z$/.test(e.startedDateTime as string))
      errs.push(`${w}.startedDateTime should be ISO 8601`);
    const req = e.request as Record<string, unknown>;
    const res = e.response as Record<string, unknown>;
    errs.push(
      ...check('request', req, `${w}.request`),
      ...check('response', res, `${w}.response`),
      ...check('content', res.content, `${w}.response.content`),
      ...check('timings', e.timings, `${w}.timings`),
    );
    for (const list of [req.headers, req.cookies, req.queryString, res.headers, res.cookies])
      if (Array.isArray(list)) list.forEach((nv: unknown, j) => errs.push(...check('nameValue', nv, `${w} list[${j}]`)));
    const t = e.timings as Record<string, number>;
    for (const k of ['blocked', 'dns', 'connect', 'ssl'])
      if (k in t && !(t[k]! === -1 || t[k]! >= 0)) errs.push(`${w}.timings.${k} should be -1 or >= 0`);
    for (const k of ['send', 'wait', 'receive']) if (!(t[k]! >= 0)) errs.push(`${w}.timings.${k} should be >= 0`);
    // "time: Total elapsed time of the request in milliseconds. This is the sum of all timings available in the timings object (i.e. not including -1 values)".
    const sum = Object.values(t)
      .filter((x) => x !== -1)
      .reduce((a, b) => a + b, 0);
    if (Math.abs(sum - (e.time as number)) > 0.01) errs.push(`${w}.time ${e.time} should be the sum of timings ${sum}`);
  });
  return errs;
}

describe('export of the filtered view', () => {
  it('NDJSON: one entry per line, each parses back to the same entry', () => {
    const rows = [base, { ...base, requestId: 'r2', path: '/a\nb' }];
    const text = toNdjson(rows);
    expect(text.split('\n')).toHaveLength(3);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(rows);
  });

  it('CSV: RFC 4180 quoting of commas, quotes and line breaks; one header row', () => {
    const text = toCsv([base, { ...base, requestId: 'r2', userAgent: 'a "b", c', path: '/x\ny', timing: undefined }]);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe('2026-12-04T18:00:00.000Z,r1,GET,/items/1,q=a%20b&x=1,200,5.5,12,7,127.0.0.1,curl/8,,0.5,4,4.5,1');
    expect(text).toContain('"/x\ny"');
    expect(text).toContain('"a ""b"", c"');
    expect(text.endsWith(',,,\r\n')).toBe(true); // no timing: empty cells
  });

  it('HAR 1.2: every required field with its type; only requests that hold headers; masked stay masked', () => {
    const withHeaders: AccessEntry = {
      ...base,
      requestHeaders: { Host: 'x', Cookie: '••••', Accept: '*/*' },
      responseHeaders: { 'Content-Type': 'text/plain', Location: '/next' },
    };
    const { har, included, skipped } = toHar(
      [withHeaders, base, { ...withHeaders, requestId: 'r3', timing: undefined, method: 'POST' }],
      'http://127.0.0.1:8000/',
      '0.1.0',
    );
    expect(validateHar(har)).toEqual([]);
    expect(included).toBe(2);
    expect(skipped).toBe(1);
    const e = (
      har as {
        log: {
          entries: {
            request: { url: string; queryString: unknown; cookies: unknown };
            response: { content: { mimeType: string }; redirectURL: string };
          }[];
        };
      }
    ).log.entries[0]!;
    expect(e.request.url).toBe('http://127.0.0.1:8000/items/1?q=a%20b&x=1');
    expect(e.request.queryString).toEqual([
      { name: 'q', value: 'a b' },
      { name: 'x', value: '1' },
    ]);
    expect(e.request.cookies).toEqual([]); // "••••" has no name=value: nothing invented
    expect(e.response.content.mimeType).toBe('text/plain');
    expect(e.response.redirectURL).toBe('/next');
    expect(JSON.stringify(har)).toContain('••••');
  });

  it('the validator catches a broken HAR (so the test above can fail)', () => {
    expect(
      validateHar({
        log: {
          version: '1.1',
          creator: { name: 'x' },
          entries: [
            {
              startedDateTime: 'now',
              time: 1,
              request: {},
              response: { content: {} },
              cache: {},
              timings: { send: 0, wait: 0, receive: 0 },
            },
          ],
        },
      }).length,
    ).toBeGreaterThan(5);
  });
});
