// Parses the CGI response a worker writes on FCGI_STDOUT: `Status:` and header lines, a blank line, then
// the body. Headers may arrive split across records, so bytes are held until the blank line is seen.
// The app is never trusted for framing: a head no HTTP/1.1 response may carry (a 1xx or out-of-range
// status, a header name that is not a token, a control character in a value, a Content-Length that is
// not one non-negative integer) is parsed, not thrown, and comes back with `invalid` saying why, so the
// gateway answers that one request 500 and the worker connection (other requests on it) carries on.

export interface CgiHead {
  readonly status: number;
  readonly reason: string;
  /** Flat [name, value, name, value, …] as node's writeHead takes it, hop-by-hop headers removed. */
  readonly headers: string[];
  /** The app asked for `Connection: close`. */
  readonly close: boolean;
  /** The app's Content-Length (repeats of one value folded into one header), or -1 when it gave none. */
  readonly contentLength: number;
  /** Why this head must not be sent (an app error), or null. */
  readonly invalid: string | null;
}

/** RFC 9110 §5.6.2 token: what a field name is made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: field values (and reason phrases) are visible characters, SP and HTAB, and obs-text. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** RFC 9110 §8.6: 1*DIGIT, nothing else (no sign, no list, no spaces inside). */
const DIGITS = /^[0-9]+$/;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);
const MAX_HEAD = 1 << 20;

export class CgiResponseParser {
  private held: Buffer | null = null;
  head: CgiHead | null = null;

  /**
   * Feeds STDOUT bytes. Returns body bytes that follow the head (possibly empty) once the head is
   * complete, else null. Throws on a malformed head.
   */
  push(chunk: Buffer): Buffer | null {
    if (this.head !== null) return chunk;
    const buf = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
    const end = findHeadEnd(buf);
    if (end === null) {
      if (buf.length > MAX_HEAD) throw new Error('response head larger than 1 MiB');
      this.held = buf === chunk ? Buffer.from(chunk) : buf;
      return null;
    }
    this.held = null;
    this.head = parseHead(buf.toString('latin1', 0, end.headEnd));
    return buf.subarray(end.bodyStart);
  }

  reset(): void {
    this.held = null;
    this.head = null;
  }
}

function findHeadEnd(buf: Buffer): { headEnd: number; bodyStart: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf !== -1) return { headEnd: lf, bodyStart: lf + 2 };
  return null;
}

export function parseHead(text: string): CgiHead {
  let status = 0;
  let reason = '';
  let close = false;
  let location = false;
  let invalid: string | null = null;
  let contentLength = -1;
  let lengthAt = -1;
  const headers: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed response header line: ${JSON.stringify(line.slice(0, 100))}`);
    // The name as the app wrote it: `X-A :` or `X-A\t:` is not a field name (RFC 9112 §5.1).
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    if (lower === 'status') {
      const m = /^(\d{3})(?:[ \t]+(.*))?$/.exec(value);
      if (!m) throw new Error(`malformed Status: ${JSON.stringify(value)}`);
      status = Number(m[1]);
      reason = m[2] ?? '';
      if (status < 200 || status > 599) invalid ??= `status ${m[1]} cannot be a final response status (200-599)`;
      else if (BAD_VALUE_CHAR.test(reason)) invalid ??= `status reason phrase ${JSON.stringify(reason)} has a control character`;
      continue;
    }
    if (!TOKEN.test(name)) {
      invalid ??= `header name ${JSON.stringify(name)} is not a valid token`;
      continue;
    }
    if (BAD_VALUE_CHAR.test(value)) {
      invalid ??= `header ${name} has a control character in its value ${JSON.stringify(value)}`;
      continue;
    }
    if (HOP_BY_HOP.has(lower)) {
      if (lower === 'connection' && /\bclose\b/i.test(value)) close = true;
      continue;
    }
    if (lower === 'content-length') {
      const n = DIGITS.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) invalid ??= `Content-Length ${JSON.stringify(value)} is not one non-negative integer`;
      else if (lengthAt === -1) {
        contentLength = n;
        lengthAt = headers.length;
      } else if (n !== contentLength) invalid ??= `two different Content-Length values (${contentLength}, ${n})`;
      // A repeat of the same value is the same header (RFC 9110 §8.6): sent once.
      if (lengthAt !== headers.length) continue;
    }
    if (lower === 'location') location = true;
    headers.push(name, value);
  }
  if (status === 0) status = location ? 302 : 200;
  // 204 and 304 have no body, and a 204 must not carry Content-Length (RFC 9110 §8.6, §15.3.5): never
  // forward the app's, which a client or proxy might frame the next response by.
  if ((status === 204 || status === 304) && lengthAt !== -1) {
    headers.splice(lengthAt, 2);
    contentLength = -1;
  }
  return { status, reason, headers, close, contentLength, invalid };
}
