// Proxy-header trust (`--forwarded-allow-ips`): turns the socket peer + X-Forwarded-* / Forwarded headers into
// the client's address, scheme and host for REMOTE_ADDR, wsgi.url_scheme and HTTP_HOST.
// Wiring: `const trust = createProxyTrust(settings.forwardedAllowIps)` once per app (rebuild on reload); per
// request `const c = trust.resolveClient(req.socket.remoteAddress, req.headers)` and pass c.remoteAddr,
// c.scheme and c.host (null: keep the Host header) into the FastCGI params and the access entry.
//
// Semantics (the choices, and why):
// - Headers from a peer that is not trusted are ignored entirely: remoteAddr is the peer, scheme 'http'.
// - A Unix-socket peer (no remote address) is trusted, as in gunicorn: only local processes can connect.
// - X-Forwarded-For: walk from the right, skipping hops that are themselves trusted proxies; the first
//   untrusted hop is the client ("rightmost untrusted", as uvicorn ≥ 0.30, Werkzeug ProxyFix and nginx's
//   real_ip_recursive do). Taking the leftmost entry would let any client pick its own REMOTE_ADDR by sending
//   the header itself. gunicorn never rewrites REMOTE_ADDR (it only trusts scheme headers from these IPs and
//   leaves XFF to middleware); we do it in the gateway so the access log and the app agree. With `*` every
//   hop is trusted, so the leftmost entry wins: `*` means "whatever the proxy says".
//   A hop that is not an IP address ("unknown", "_hidden") ends the walk; we then keep the last real address.
// - RFC 7239 Forwarded, when present, wins over the X-Forwarded-* family (it is the standard and unambiguous);
//   proto/host come from the chosen element, else the rightmost element that has them.
// - X-Forwarded-Proto / X-Forwarded-Host may be lists; the rightmost value is the one our trusted proxy set.
//   X-Forwarded-Ssl: on and X-Forwarded-Protocol: ssl (gunicorn's defaults) also mean https.
import { BlockList, isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

interface ResolvedClient {
  readonly remoteAddr: string;
  readonly scheme: string;
  /** The client's Host (from a trusted proxy's header), or null to keep the request's own Host header. */
  readonly host: string | null;
  /** Whether the peer was trusted (its forwarding headers were read). */
  readonly trusted: boolean;
}

export interface ProxyTrust {
  resolveClient(socketRemoteAddr: string | undefined, headers: IncomingHttpHeaders, defaultScheme?: string): ResolvedClient;
  isTrusted(addr: string | undefined): boolean;
}

export function createProxyTrust(forwardedAllowIps: readonly string[]): ProxyTrust {
  const entries = forwardedAllowIps
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  const all = entries.includes('*');
  // node:net's BlockList is the one CIDR matcher (issue #15): exact addresses and networks, v4 and v6.
  const allowed = new BlockList();
  for (const e of entries) {
    if (e === '*') continue;
    const slash = e.indexOf('/');
    if (slash === -1) {
      const key = canonicalIp(e);
      if (key === null) throw new TypeError(`forwarded-allow-ips: not an IP address: ${e}`);
      allowed.addAddress(key, familyOf(key));
    } else {
      const net = parseCidr(e.slice(0, slash), e.slice(slash + 1));
      if (net === null) throw new TypeError(`forwarded-allow-ips: not a network: ${e}`);
      allowed.addSubnet(net.network, net.prefix, net.family);
    }
  }
  // Peers repeat (one proxy, a few clients): remember answers so the hot path is one Map lookup.
  const memo = new Map<string, boolean>();

  /** `canon` is canonicalIp's output: IPv4-mapped peers are already their IPv4 address. */
  function isTrustedIp(canon: string): boolean {
    return all || allowed.check(canon, familyOf(canon));
  }

  function isTrusted(addr: string | undefined): boolean {
    if (addr === undefined || addr === '') return true; // Unix socket
    let t = memo.get(addr);
    if (t === undefined) {
      const canon = canonicalIp(addr);
      t = canon !== null && isTrustedIp(canon);
      if (memo.size > 4096) memo.clear();
      memo.set(addr, t);
    }
    return t;
  }

  function resolveClient(socketRemoteAddr: string | undefined, headers: IncomingHttpHeaders, defaultScheme = 'http'): ResolvedClient {
    const peer = socketRemoteAddr === undefined || socketRemoteAddr === '' ? '' : normalizeIp(socketRemoteAddr);
    if (!isTrusted(socketRemoteAddr)) return { remoteAddr: peer, scheme: defaultScheme, host: null, trusted: false };

    const forwarded = header(headers, 'forwarded');
    if (forwarded !== undefined) {
      const r = fromForwarded(forwarded, peer, isTrustedIp);
      if (r !== null) return { remoteAddr: r.addr, scheme: r.proto ?? defaultScheme, host: r.host, trusted: true };
    }
    const xff = header(headers, 'x-forwarded-for');
    const remoteAddr = xff === undefined ? peer : walkHops(splitList(xff), peer, isTrustedIp);
    let scheme = defaultScheme;
    const xfp = header(headers, 'x-forwarded-proto');
    const proto = xfp === undefined ? null : validProto(lastOf(xfp));
    if (proto !== null) scheme = proto;
    else if (header(headers, 'x-forwarded-ssl')?.trim().toLowerCase() === 'on') scheme = 'https';
    else if (header(headers, 'x-forwarded-protocol')?.trim().toLowerCase() === 'ssl') scheme = 'https';
    const xfh = header(headers, 'x-forwarded-host');
    const host = xfh === undefined ? null : validHost(lastOf(xfh));
    return { remoteAddr, scheme, host, trusted: true };
  }

  return { resolveClient, isTrusted };
}

// node joins repeated unknown headers with ", " already; arrays only come from hand-built header objects.
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Client address from a list of hops (leftmost = original client) and the socket peer: rightmost untrusted. */
function walkHops(hops: readonly string[], peer: string, trusted: (canon: string) => boolean): string {
  let current = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const addr = stripPort(hops[i]!);
    const canon = addr === null ? null : canonicalIp(addr);
    if (canon === null) return current; // "unknown", obfuscated or garbage: stop at the last address we know
    current = normalizeIp(addr!);
    if (!trusted(canon)) return current;
  }
  return current;
}

interface ForwardedResult {
  readonly addr: string;
  readonly proto: string | null;
  readonly host: string | null;
}

/** RFC 7239: `for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"`. null if unusable. */
function fromForwarded(value: string, peer: string, trusted: (canon: string) => boolean): ForwardedResult | null {
  const elements = splitList(value).map(parseForwardedElement);
  if (elements.length === 0 || elements.some((e) => e === null)) return null; // malformed: fall back to X-Forwarded-*
  const els = elements as Array<Record<string, string>>;
  let chosen = -1;
  let addr = peer;
  for (let i = els.length - 1; i >= 0; i--) {
    const f = els[i]!.for;
    const a = f === undefined ? null : stripPort(f);
    const canon = a === null ? null : canonicalIp(a);
    if (canon === null) break;
    addr = normalizeIp(a!);
    chosen = i;
    if (!trusted(canon)) break;
  }
  const pick = (key: 'proto' | 'host'): string | undefined => {
    if (chosen !== -1 && els[chosen]![key] !== undefined) return els[chosen]![key];
    for (let i = els.length - 1; i >= 0; i--) if (els[i]![key] !== undefined) return els[i]![key];
    return undefined;
  };
  const proto = pick('proto');
  const host = pick('host');
  return { addr, proto: proto === undefined ? null : validProto(proto), host: host === undefined ? null : validHost(host) };
}

function parseForwardedElement(el: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const pair of el.split(';')) {
    const p = pair.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return null;
    const key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) {
      if (v.length < 2 || !v.endsWith('"')) return null;
      v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    out[key] = v;
  }
  return out;
}

// Commas inside quoted Forwarded values (there are none in valid for/proto/host) are not worth a tokenizer.
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function lastOf(value: string): string {
  const i = value.lastIndexOf(',');
  return (i === -1 ? value : value.slice(i + 1)).trim();
}

function validProto(p: string): string | null {
  const v = p.trim().toLowerCase();
  return v === 'http' || v === 'https' ? v : null;
}

// A Host value must not smuggle anything into HTTP_HOST: host or [v6], optional port.
const HOST_RE = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
function validHost(h: string): string | null {
  const v = h.trim();
  return v.length <= 255 && HOST_RE.test(v) ? v : null;
}

/** "1.2.3.4:80" → "1.2.3.4", "[::1]:80" → "::1", "[::1]" → "::1", "::1" → "::1". null when empty. */
export function stripPort(hop: string): string | null {
  const h = hop.trim();
  if (h === '') return null;
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close === -1 ? null : h.slice(1, close);
  }
  const colon = h.indexOf(':');
  if (colon !== -1 && colon === h.lastIndexOf(':')) return h.slice(0, colon); // v4:port
  return h;
}

/** The address as apps should see it: IPv4-mapped IPv6 unwrapped, IPv6 lower-case without zone. */
export function normalizeIp(addr: string): string {
  let a = addr;
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (a.charCodeAt(0) === 58 /* : */ && (a.startsWith('::ffff:') || a.startsWith('::FFFF:')) && a.includes('.')) return a.slice(7);
  if (a.includes(':')) {
    const pct = a.indexOf('%');
    return (pct === -1 ? a : a.slice(0, pct)).toLowerCase();
  }
  return a;
}

/** A comparison key: dotted IPv4, or IPv6 as 8 full hex groups. null when not an IP address. */
export function canonicalIp(addr: string): string | null {
  const a = normalizeIp(addr);
  const kind = isIP(a);
  if (kind === 4) return a;
  if (kind !== 6) return null;
  const groups = expandV6(a);
  if (groups === null) return null;
  // ::ffff:7f00:1 (mapped, written in hex) is the IPv4 address too.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  }
  return groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
}

function expandV6(a: string): number[] | null {
  let s = a;
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // Embedded IPv4 (::ffff:1.2.3.4): rewrite its four octets as two hex groups.
    const o = maybeV4.split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const parts = s.split('::');
  if (parts.length > 2) return null;
  const head = parts[0] ? parts[0].split(':') : [];
  const rest = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const fill = parts.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (parts.length === 1 && head.length !== 8)) return null;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...rest].map((g) => parseInt(g, 16));
  return groups.some((g) => Number.isNaN(g)) ? null : groups;
}

function familyOf(canon: string): 'ipv4' | 'ipv6' {
  return canon.includes(':') ? 'ipv6' : 'ipv4';
}

/**
 * `ip/prefix` as BlockList takes it. An IPv4-mapped network (`::ffff:10.0.0.0/104`) is the IPv4 network it
 * carries (prefix - 96), since peers are compared as IPv4; one shorter than /96 would reach past the mapped
 * range and is refused.
 */
function parseCidr(ip: string, prefixText: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const canon = canonicalIp(ip);
  if (canon === null || !/^\d{1,3}$/.test(prefixText)) return null;
  let prefix = Number(prefixText);
  const family = familyOf(canon);
  if (family === 'ipv4' && isIP(normalizeIpKeepMapped(ip)) === 6) {
    if (prefix < 96) return null;
    prefix -= 96;
  }
  if (prefix > (family === 'ipv6' ? 128 : 32)) return null;
  return { network: canon, prefix, family };
}

/** The address without brackets or zone, but an IPv4-mapped one left as written (to tell it was mapped). */
function normalizeIpKeepMapped(addr: string): string {
  const a = addr.startsWith('[') && addr.endsWith(']') ? addr.slice(1, -1) : addr;
  const pct = a.indexOf('%');
  return pct === -1 ? a : a.slice(0, pct);
}
