// What clients control (path, query, headers, the Basic-auth user) cannot forge fields or lines in the access log:
// real `gantry serve` processes, raw requests carrying quotes, backslashes, encoded newlines and control bytes,
// and every line read back with the format's own grammar (gunicorn-style) or as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startGantry } from '../helpers/gantry.js';
import { cliScope } from '../helpers/cli-scope.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { rawExchange } from '../helpers/raw-http.js';
import { FIXTURE_APPS, until } from '../runtime/harness.js';

const s = cliScope();

// Each request: the raw bytes, and what the log must say it was.
const user = 'ev"il\n127.0.0.1 - x';
const REQUESTS = [
  {
    raw: 'GET /a%22b%0A127.0.0.1%20-%20-%20[01/Jan/2026:00:00:00%20+0000]%20%22GET%20/forged%20HTTP/1.1%22%20200%202%20%22-%22%20%22x%22?q=%22%5C HTTP/1.1\r\nHost: x\r\nUser-Agent: ua" 200 1 "-" "forged\r\nReferer: back\\slash"\tand tab\r\nX-Note: latin\x85one\r\nConnection: close\r\n\r\n',
    // The entry's path is the path as sent (percent-encoding kept); the Basic-auth user below is decoded bytes.
    path: '/a%22b%0A127.0.0.1%20-%20-%20[01/Jan/2026:00:00:00%20+0000]%20%22GET%20/forged%20HTTP/1.1%22%20200%202%20%22-%22%20%22x%22',
    rawUri:
      '/a%22b%0A127.0.0.1%20-%20-%20[01/Jan/2026:00:00:00%20+0000]%20%22GET%20/forged%20HTTP/1.1%22%20200%202%20%22-%22%20%22x%22?q=%22%5C',
    ua: 'ua" 200 1 "-" "forged',
    referer: 'back\\slash"\tand tab',
    note: 'latin\x85one',
  },
  {
    raw: `GET /ok HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`${user}:pw`, 'latin1').toString('base64')}\r\nConnection: close\r\n\r\n`,
    path: '/ok',
    rawUri: '/ok',
    ua: '-',
    referer: '-',
    note: '-',
    user,
  },
];

/** Reads a quoted field back: \" \\ and \xHH, as nginx and Apache write them. */
function unescape(v: string): string {
  return v.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e));
}

async function serveAndSend(format: string) {
  s.tmp = await makeTempDir();
  const log = join(s.tmp.path, 'access.log');
  const p = await startGantry({
    chdir: FIXTURE_APPS,
    python: 'python3',
    args: ['--access-logfile', log, '--access-logformat', format],
    app: 'basic:application',
  });
  s.proc = p;
  const port = p.port;
  for (const r of REQUESTS) {
    const { responses } = await rawExchange(port, Buffer.from(r.raw, 'latin1'));
    expect(responses[0]?.status).toBeGreaterThanOrEqual(200);
  }
  // Entries are written when a request ends; wait for the last one by its byte count of lines.
  await until(() => readFileSync(log, 'latin1').includes('/ok'), 10_000, 'the second access line');
  return readFileSync(log, 'utf8');
}

describe('the access log escapes what clients control', () => {
  it('gunicorn-style: one line per request, every field reads back as sent', async () => {
    const format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" "%(U)s" "%({x-note}i)s"';
    const text = await serveAndSend(format);
    const lines = text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(REQUESTS.length);
    const Q = '"((?:[^"\\\\]|\\\\.)*)"';
    const grammar = new RegExp(`^(\\S+) - (\\S+) (\\[[^\\]]+\\]) ${Q} (\\d{3}) (\\d+) ${Q} ${Q} ${Q} ${Q}$`);
    REQUESTS.forEach((req, i) => {
      const m = grammar.exec(lines[i]!);
      expect(m, lines[i]).not.toBeNull();
      const [, host, u, , r, , , f, a, path, note] = m!;
      expect(host).toBe('127.0.0.1');
      expect(unescape(u!)).toBe(req.user ?? '-');
      expect(unescape(r!)).toBe(`GET ${req.rawUri} HTTP/1.1`);
      expect(unescape(f!)).toBe(req.referer);
      expect(unescape(a!)).toBe(req.ua);
      expect(unescape(path!)).toBe(req.path);
      expect(unescape(note!)).toBe(req.note);
      // Nothing but printable ASCII on disk: no control byte for a terminal or a log shipper to act on.
      expect(lines[i]).toMatch(/^[\x20-\x7e]+$/);
    });
  });

  it('JSON lines: one valid object per request with the values as sent', async () => {
    const text = await serveAndSend('json');
    const lines = text.split('\n').filter(Boolean);
    expect(lines, text).toHaveLength(REQUESTS.length);
    REQUESTS.forEach((req, i) => {
      const o = JSON.parse(lines[i]!) as Record<string, unknown>;
      expect(o.path).toBe(req.path);
      expect(o.user_agent || '-').toBe(req.ua);
      expect(o.referer || '-').toBe(req.referer);
      expect(o.user ?? '-').toBe(req.user ?? '-');
    });
  });
});
