// The Requests table's filtered view, taken out: NDJSON (one access entry per line, as the API gives it), CSV
// (RFC 4180, one row per request) and HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) for the
// requests whose headers Gantry still holds. Headers are as the API shows them: masked credentials stay masked.
import type { AccessEntry } from '../api/contract';
import { requestUrl } from './request-curl';

export function toNdjson(rows: readonly AccessEntry[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

export const CSV_COLUMNS = [
  'time',
  'requestId',
  'method',
  'path',
  'query',
  'status',
  'durationMs',
  'bytes',
  'workerPid',
  'remoteAddr',
  'userAgent',
  'referer',
  'queueMs',
  'appMs',
  'ttfbMs',
  'transferMs',
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Values are kept literal. */
function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly AccessEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const t = r.timing;
    const cells = [
      new Date(r.time).toISOString(),
      r.requestId,
      r.method,
      r.path,
      r.query,
      r.status,
      r.durationMs,
      r.bytes,
      r.workerPid,
      r.remoteAddr,
      r.userAgent,
      r.referer,
      t?.queueMs,
      t?.appMs,
      t?.ttfbMs,
      t?.transferMs,
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

interface HarNameValue {
  readonly name: string;
  readonly value: string;
}

function nameValues(h: Readonly<Record<string, string>> | undefined): HarNameValue[] {
  return Object.entries(h ?? {}).map(([name, value]) => ({ name, value }));
}

function queryString(query: string): HarNameValue[] {
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

function cookies(header: string | undefined): HarNameValue[] {
  if (!header) return [];
  return header.split(/;\s*/).flatMap((c) => {
    const i = c.indexOf('=');
    return i > 0 ? [{ name: c.slice(0, i), value: c.slice(i + 1) }] : [];
  });
}

function headerValue(h: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  const key = Object.keys(h ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : h![key];
}

/** The requests of `entries` that still hold headers, as a HAR 1.2 log; the others are counted, not invented. */
export function toHar(
  entries: readonly AccessEntry[],
  baseUrl: string,
  creatorVersion: string,
): { har: unknown; included: number; skipped: number } {
  const kept = entries.filter((e) => e.requestHeaders !== undefined || e.responseHeaders !== undefined);
  const ms = (n: number) => Math.round(n * 1000) / 1000;
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'Gantry', version: creatorVersion },
      entries: kept.map((e) => {
        const t = e.timing;
        // Gantry sees the request from arrival: queue wait is HAR's "blocked", the app's time is "wait", the
        // body is "receive". Without timing (static files) the whole duration is "wait".
        const timings = t
          ? { blocked: ms(t.queueMs), dns: -1, connect: -1, ssl: -1, send: 0, wait: ms(t.appMs), receive: ms(t.transferMs) }
          : { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: ms(e.durationMs), receive: 0 };
        const time = ms([timings.blocked, timings.send, timings.wait, timings.receive].filter((x) => x > 0).reduce((a, b) => a + b, 0));
        const httpVersion = e.protocol || 'HTTP/1.1';
        return {
          startedDateTime: new Date(e.time).toISOString(),
          time,
          request: {
            method: e.method,
            url: requestUrl(e, baseUrl),
            httpVersion,
            cookies: cookies(headerValue(e.requestHeaders, 'cookie')),
            headers: nameValues(e.requestHeaders),
            queryString: queryString(e.query),
            headersSize: -1,
            bodySize: -1,
          },
          response: {
            status: e.status,
            statusText: '',
            httpVersion,
            cookies: [],
            headers: nameValues(e.responseHeaders),
            content: { size: e.bytes, mimeType: headerValue(e.responseHeaders, 'content-type') ?? '' },
            redirectURL: headerValue(e.responseHeaders, 'location') ?? '',
            headersSize: -1,
            bodySize: e.bytes,
          },
          cache: {},
          timings,
          comment: `Gantry request ${e.requestId}`,
        };
      }),
    },
  };
  return { har, included: kept.length, skipped: entries.length - kept.length };
}
