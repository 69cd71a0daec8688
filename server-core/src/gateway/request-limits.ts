// gunicorn's request limits, checked on each parsed request (node's own maxHeaderSize is one total for
// the whole head, so the per-line and per-field limits are ours), and the mapping of node's parser errors
// to the status a client should see before the connection is closed.
import type { IncomingMessage } from 'node:http';

/** gunicorn's hard maxima: 0 in limit-request-line / -fields means "the maximum". */
const MAX_REQUEST_LINE = 8190;
const MAX_HEADERS = 32768;

export interface RequestLimits {
  readonly requestLine: number;
  readonly fields: number;
  /** 0: unlimited. */
  readonly fieldSize: number;
  /** 0: unlimited. */
  readonly body: number;
}

export function limitsFrom(s: {
  limitRequestLine: number;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  limitRequestBody: number;
}): RequestLimits {
  return {
    requestLine: s.limitRequestLine === 0 ? MAX_REQUEST_LINE : s.limitRequestLine,
    fields: s.limitRequestFields === 0 ? MAX_HEADERS : s.limitRequestFields,
    fieldSize: s.limitRequestFieldSize,
    body: s.limitRequestBody,
  };
}

/** node's total head limit: big enough that our own per-field checks decide, bounded so memory is. */
export function maxHeaderSizeFor(limits: RequestLimits): number {
  const perField = limits.fieldSize === 0 ? 65536 : limits.fieldSize + 2;
  return Math.min(Math.max(16384, limits.requestLine + 2 + limits.fields * perField + 2), 8 * 1024 * 1024);
}

export interface LimitViolation {
  readonly status: 400 | 408 | 413 | 414 | 431 | 501 | 505;
  readonly message: string;
}

/** What one pass over the raw headers learns besides the limits. */
export interface HeadFacts {
  violation: LimitViolation | null;
  /** The client's X-Request-ID, if any. */
  requestId: string | undefined;
  /** A positive Content-Length or a Transfer-Encoding. */
  hasBody: boolean;
}

/** Checks the request against the limits (the first one broken wins) in one pass over its headers. */
export function inspectRequest(req: IncomingMessage, limits: RequestLimits): HeadFacts {
  const facts: HeadFacts = { violation: null, requestId: undefined, hasBody: false };
  facts.violation = checkRequest(req, limits, facts);
  return facts;
}

/** The first limit this request breaks, or null. */
function checkRequest(req: IncomingMessage, limits: RequestLimits, facts?: HeadFacts): LimitViolation | null {
  // HTTP/2 arrives only by ALPN (node:http2's request has a stream); "HTTP/2.0" in an HTTP/1 request line is refused.
  if (req.httpVersionMajor !== 1 && !(req.httpVersionMajor === 2 && 'stream' in req))
    return { status: 505, message: `HTTP/${req.httpVersion} is not supported` };
  const url = req.url ?? '';
  // METHOD SP target SP HTTP/x.y
  const lineLength = (req.method?.length ?? 0) + 1 + url.length + 9;
  if (lineLength > limits.requestLine) return { status: 414, message: `request line longer than ${limits.requestLine} bytes` };
  const targetProblem = checkTarget(req.method ?? '', url);
  if (targetProblem !== null) return { status: 400, message: targetProblem };
  const raw = req.rawHeaders;
  if (raw.length / 2 > limits.fields) return { status: 431, message: `more than ${limits.fields} header fields` };
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let hosts = 0;
  const fieldSize = limits.fieldSize;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (fieldSize > 0 && name.length + 2 + value.length > fieldSize)
      return { status: 431, message: `header field ${name} longer than ${fieldSize} bytes` };
    const n = name.length;
    if (n === 14 && name.toLowerCase() === 'content-length') {
      if (contentLength !== undefined && contentLength !== value) return { status: 400, message: 'conflicting Content-Length headers' };
      contentLength = value;
    } else if (n === 17 && name.toLowerCase() === 'transfer-encoding')
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    else if (n === 12 && facts !== undefined && name.toLowerCase() === 'x-request-id') facts.requestId = value;
    else if (n === 4 && name.toLowerCase() === 'host') hosts++;
  }
  if (hosts > 1) return { status: 400, message: 'more than one Host header' };
  if (facts !== undefined) facts.hasBody = transferEncoding !== undefined || (contentLength !== undefined && contentLength !== '0');
  // Request smuggling: a body framed two ways is refused outright (RFC 9112 §6.3 allows rejecting it).
  if (contentLength !== undefined && transferEncoding !== undefined)
    return { status: 400, message: 'both Content-Length and Transfer-Encoding' };
  if (transferEncoding !== undefined) {
    const problem = checkTransferEncoding(transferEncoding, req.httpVersionMinor);
    if (problem !== null) return problem;
  }
  if (contentLength !== undefined) {
    if (!/^\d+$/.test(contentLength)) return { status: 400, message: 'invalid Content-Length' };
    if (limits.body > 0 && Number(contentLength) > limits.body)
      return { status: 413, message: `request body larger than ${limits.body} bytes` };
  }
  return null;
}

/**
 * The body framing is known only when Transfer-Encoding is exactly `chunked` (RFC 9112 §6.1): another
 * coding we would pass on undecoded (501), chunked twice or not last (400), or any Transfer-Encoding on
 * HTTP/1.0, which has none (RFC 9112 §6.1: the framing is faulty, the connection must close).
 */
function checkTransferEncoding(value: string, minor: number): LimitViolation | null {
  if (minor === 0) return { status: 400, message: 'Transfer-Encoding in an HTTP/1.0 request' };
  const codings = value
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  if (codings.length === 1 && codings[0] === 'chunked') return null;
  if (codings.some((c) => c !== 'chunked'))
    return { status: 501, message: `Transfer-Encoding ${JSON.stringify(value.slice(0, 100))} is not supported (only chunked)` };
  return { status: 400, message: 'chunked applied more than once' };
}

/**
 * The request-target forms RFC 9112 §3.2 allows a server like this one: origin-form (`/path`),
 * absolute-form (`http://host/path`), and asterisk-form for OPTIONS only. (CONNECT's authority-form is
 * answered 501 before this.)
 */
function checkTarget(method: string, url: string): string | null {
  if (url.charCodeAt(0) === 47 /* / */) return null;
  if (url === '*') return method === 'OPTIONS' ? null : `the * target is only for OPTIONS, not ${method.slice(0, 20)}`;
  if (/^https?:\/\/[^/?#]+/i.test(url)) return null;
  return 'malformed request target';
}

/** What a node parser error (the 'clientError' event) should be answered with; null: just close. */
export function statusForParserError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, limits: RequestLimits): LimitViolation | null {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'HPE_HEADER_OVERFLOW': {
      // One limit covers the whole head; if the request line alone is past its limit, say 414.
      const packet = err.rawPacket;
      if (packet) {
        const eol = packet.indexOf('\n');
        if (eol === -1 ? packet.length > limits.requestLine : eol - 1 > limits.requestLine)
          return { status: 414, message: `request line longer than ${limits.requestLine} bytes` };
      }
      return { status: 431, message: 'request header fields too large' };
    }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return { status: 408, message: 'request timeout' };
    case 'HPE_INVALID_VERSION': {
      // A well-formed HTTP/x.y line with a version we do not speak: 505, not 400.
      const line = err.rawPacket?.toString('latin1', 0, Math.min(err.rawPacket.length, limits.requestLine + 2)).split('\r\n', 1)[0] ?? '';
      if (/^[A-Z]+ \S+ HTTP\/\d\.\d$/.test(line)) return { status: 505, message: 'HTTP version not supported' };
      return { status: 400, message: 'bad request (HPE_INVALID_VERSION)' };
    }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'chunk extensions too large' };
    default:
      return { status: 400, message: `bad request (${err.code ?? 'parse error'})` };
  }
}
