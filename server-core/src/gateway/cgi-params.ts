// The CGI/1.1 meta-variables of one HTTP request, as the FastCGI PARAMS the worker turns into a WSGI
// environ (nginx's fastcgi_params plus what WORKER.md adds). Runs per request: header names map to
// HTTP_* through a cache, and values stay the latin-1 strings node's parser produced (byte-exact).
import type { IncomingMessage } from 'node:http';
import type { ParamList } from '../fastcgi/request-head.js';
import { percentDecodeLatin1, type SplitTarget } from './path-info.js';

const envNames = new Map<string, string | null>();

/** `X-Foo-Bar` → `HTTP_X_FOO_BAR`; null for names never passed as HTTP_* (see below). */
function envNameOf(raw: string): string | null {
  const cached = envNames.get(raw);
  if (cached !== undefined) return cached;
  const lower = raw.toLowerCase();
  let name: string | null;
  if (lower === 'content-type' || lower === 'content-length' || lower === 'x-request-id') name = null;
  // Underscores would let a client forge a header that maps to the same HTTP_* as a dashed one
  // (X_Forwarded_For vs X-Forwarded-For); nginx and newer gunicorn drop them too.
  else if (raw.includes('_')) name = null;
  else name = 'HTTP_' + raw.toUpperCase().replace(/-/g, '_');
  if (envNames.size < 4096) envNames.set(raw, name);
  return name;
}

export interface ConnectionFacts {
  /** The listener's own host and port, when the request has no Host header. */
  readonly serverName: string;
  readonly serverPort: string;
  readonly remoteAddr: string;
  readonly remotePort: string;
  readonly https: boolean;
}

export function buildParams(
  req: IncomingMessage,
  target: SplitTarget,
  requestId: string,
  facts: ConnectionFacts,
  hostOverride?: string,
): ParamList {
  const names: string[] = [
    'REQUEST_METHOD',
    'REQUEST_URI',
    'PATH_INFO',
    'QUERY_STRING',
    'SERVER_PROTOCOL',
    'REMOTE_ADDR',
    'REMOTE_PORT',
    'HTTP_X_REQUEST_ID',
  ];
  const values: string[] = [
    req.method ?? 'GET',
    req.url ?? '/',
    percentDecodeLatin1(target.path),
    target.query,
    req.httpVersion === '1.0' ? 'HTTP/1.0' : req.httpVersionMajor === 2 ? 'HTTP/2' : 'HTTP/1.1',
    facts.remoteAddr,
    facts.remotePort,
    requestId,
  ];
  if (facts.https) {
    names.push('HTTPS');
    values.push('on');
  }
  const raw = req.rawHeaders;
  let host: string | undefined = hostOverride;
  const firstHeader = names.length;
  let authority: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // HTTP/2 pseudo-headers: :method and :path are REQUEST_METHOD and REQUEST_URI already; :authority is
    // the Host (RFC 9113 §8.3.1), used only when no host field came too.
    if (name.charCodeAt(0) === 0x3a /* : */) {
      if (name === ':authority' && authority === undefined) authority = value;
      continue;
    }
    const env = envNameOf(name);
    if (env === null) {
      const lower = name.toLowerCase();
      if (lower === 'content-type') {
        names.push('CONTENT_TYPE');
        values.push(value);
      } else if (lower === 'content-length') {
        names.push('CONTENT_LENGTH');
        values.push(value);
      }
      continue;
    }
    if (env === 'HTTP_HOST') {
      if (hostOverride !== undefined) continue;
      if (host === undefined) host = value;
    }
    // Repeated headers are joined (cookies with '; '); a linear scan beats a Map for ~10 headers.
    const prev = names.indexOf(env, firstHeader);
    if (prev !== -1) {
      values[prev] += (env === 'HTTP_COOKIE' ? '; ' : ', ') + value;
      continue;
    }
    names.push(env);
    values.push(value);
  }
  if (hostOverride !== undefined) {
    names.push('HTTP_HOST');
    values.push(hostOverride);
  } else if (host === undefined && authority !== undefined) {
    host = authority;
    names.push('HTTP_HOST');
    values.push(authority);
  }
  // SERVER_NAME/PORT follow the Host header as gunicorn's environ does, else the listener.
  let serverName = facts.serverName;
  let serverPort = facts.serverPort;
  if (host !== undefined && host.length > 0) {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
    if (m) {
      serverName = m[1]!;
      serverPort = m[2] ? m[2] : facts.https ? '443' : '80';
    }
  }
  names.push('SERVER_NAME', 'SERVER_PORT');
  values.push(serverName, serverPort);
  return { names, values };
}
