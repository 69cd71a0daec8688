// gunicorn's access_log_format, compiled once into a list of pieces, so each access line is a few string
// concatenations. Atoms: h l u t r s m U q H b B f a T M D L p {header}i {header}o {var}e; unknown or
// missing values print "-" as gunicorn's SafeAtoms does. "json" gives JSON lines instead. Values a client or an
// app controls are escaped as nginx and Apache do (`"` → `\"`, `\` → `\\`, control bytes → `\xHH`), so no value
// can end its quoted field or its line and forge others (gunicorn writes them raw).
import type { AccessEntry } from '../runtime/types.js';

export type AccessFormatter = (entry: AccessEntry) => string;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `[24/Nov/2026:01:02:03 +0000]` in the local time zone (gunicorn's strftime('[%d/%b/%Y:%H:%M:%S %z]')). */
export function formatAccessTime(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `[${pad2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}]`;
}

// C0 controls, DEL, C1 controls (NEL, 0x85, is a line break to some readers), the Unicode line separators, `"` and `\`.
const UNSAFE = /[\x00-\x1f"\\\x7f-\x9f\u2028\u2029]/;
const UNSAFE_ALL = /[\x00-\x1f"\\\x7f-\x9f\u2028\u2029]/g;

function escapeChar(c: string): string {
  if (c === '"' || c === '\\') return `\\${c}`;
  const code = c.charCodeAt(0);
  return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
}

/** A value made safe for one field of one line; the common case (nothing to escape) costs one regex test. */
function escapeLogValue(v: string): string {
  return UNSAFE.test(v) ? v.replace(UNSAFE_ALL, escapeChar) : v;
}

function dash(v: string | undefined | null): string {
  return v === undefined || v === null || v === '' ? '-' : escapeLogValue(v);
}

function rawUri(e: AccessEntry): string {
  return e.query === '' ? e.path : `${e.path}?${e.query}`;
}

/** CGI names the entry can answer for %({VAR})e. */
function environValue(e: AccessEntry, name: string): string | undefined {
  switch (name) {
    case 'REMOTE_ADDR':
      return e.remoteAddr;
    case 'REQUEST_METHOD':
      return e.method;
    case 'PATH_INFO':
      return e.path;
    case 'QUERY_STRING':
      return e.query;
    case 'SERVER_PROTOCOL':
      return e.protocol;
    case 'RAW_URI':
    case 'REQUEST_URI':
      return rawUri(e);
    case 'HTTP_X_REQUEST_ID':
      return e.requestId;
    default:
      if (name.startsWith('HTTP_')) return e.requestHeaders?.[name.slice(5).toLowerCase().replace(/_/g, '-')];
      return undefined;
  }
}

function atom(name: string): AccessFormatter {
  const braced = /^\{(.+)\}([ioe])$/.exec(name);
  if (braced) {
    const key = braced[1]!;
    const kind = braced[2]!;
    if (kind === 'i') {
      const k = key.toLowerCase();
      return (e) => dash(e.requestHeaders?.[k]);
    }
    if (kind === 'o') {
      const k = key.toLowerCase();
      return (e) => dash(e.responseHeaders?.[k]);
    }
    return (e) => dash(environValue(e, key));
  }
  switch (name) {
    case 'h':
      return (e) => dash(e.remoteAddr);
    case 'l':
      return () => '-';
    case 'u':
      // Unquoted in the usual formats: a space would shift every field after it.
      return (e) => dash(e.remoteUser).replace(/ /g, '\\x20');
    case 't':
      return (e) => formatAccessTime(e.time);
    case 'r':
      return (e) => escapeLogValue(`${e.method} ${rawUri(e)} ${e.protocol}`);
    case 's':
      return (e) => String(e.status);
    case 'm':
      return (e) => escapeLogValue(e.method);
    case 'U':
      return (e) => escapeLogValue(e.path);
    case 'q':
      return (e) => escapeLogValue(e.query);
    case 'H':
      return (e) => escapeLogValue(e.protocol);
    case 'b':
    case 'B':
      return (e) => String(e.bytes);
    case 'f':
      return (e) => dash(e.referer);
    case 'a':
      return (e) => dash(e.userAgent);
    case 'T':
      return (e) => String(Math.floor(e.durationMs / 1000));
    case 'M':
      return (e) => String(Math.floor(e.durationMs));
    case 'D':
      return (e) => String(Math.floor(e.durationMs * 1000));
    case 'L': {
      return (e) => {
        const us = Math.floor(e.durationMs * 1000);
        return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
      };
    }
    case 'p':
      return () => `<${process.pid}>`;
    default:
      return () => '-';
  }
}

/** Whether a format needs request/response headers in the entries (so the gateway collects them). */
export function formatNeedsHeaders(format: string): boolean {
  return format === 'json' || /%\(\{[^}]+\}[io]\)/.test(format) || /%\(\{HTTP_[^}]+\}e\)/.test(format);
}

/** Compiles a gunicorn access_log_format (or "json"). */
export function compileAccessFormat(format: string): AccessFormatter {
  if (format === 'json') return formatAccessJson;
  const pieces: Array<string | AccessFormatter> = [];
  const re = /%\(([^)]+)\)[sd]|%%/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    if (m.index > last) pieces.push(format.slice(last, m.index));
    pieces.push(m[0] === '%%' ? '%' : atom(m[1]!));
    last = m.index + m[0].length;
  }
  if (last < format.length) pieces.push(format.slice(last));
  return (entry) => {
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : p(entry);
    return out;
  };
}

/** One JSON object per line; JSON.stringify escapes quotes, control characters and newlines. */
function formatAccessJson(e: AccessEntry): string {
  return JSON.stringify({
    time: new Date(e.time).toISOString(),
    app: e.app,
    request_id: e.requestId,
    remote_addr: e.remoteAddr,
    method: e.method,
    path: e.path,
    query: e.query,
    protocol: e.protocol,
    status: e.status,
    bytes: e.bytes,
    duration_ms: Math.round(e.durationMs * 1000) / 1000,
    worker_pid: e.workerPid,
    user_agent: e.userAgent,
    referer: e.referer,
    ...(e.remoteUser ? { user: e.remoteUser } : {}),
    ...(e.truncated ? { truncated: true } : {}),
    ...(e.timing
      ? {
          queue_ms: ms3(e.timing.queueMs),
          app_ms: ms3(e.timing.appMs),
          ttfb_ms: ms3(e.timing.ttfbMs),
          transfer_ms: ms3(e.timing.transferMs),
        }
      : {}),
  });
}

const ms3 = (ms: number): number => Math.round(ms * 1000) / 1000;
