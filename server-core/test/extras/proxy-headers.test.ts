// Proxy-header trust: unit cases plus a real server where the peer is trusted or not.
import { describe, expect, it } from 'vitest';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalIp, createProxyTrust, normalizeIp, stripPort } from '../../src/gateway/proxy-headers.js';

describe('trust set', () => {
  it('matches exact IPs, IPv4-mapped IPv6 and CIDR networks', () => {
    const t = createProxyTrust(['127.0.0.1', '::1', '10.0.0.0/8', '2001:db8::/32']);
    expect(t.isTrusted('127.0.0.1')).toBe(true);
    expect(t.isTrusted('::ffff:127.0.0.1')).toBe(true);
    expect(t.isTrusted('::1')).toBe(true);
    expect(t.isTrusted('0:0:0:0:0:0:0:1')).toBe(true);
    expect(t.isTrusted('10.200.3.4')).toBe(true);
    expect(t.isTrusted('11.0.0.1')).toBe(false);
    expect(t.isTrusted('2001:DB8:ffff::9')).toBe(true);
    expect(t.isTrusted('2001:db9::1')).toBe(false);
    expect(t.isTrusted('not-an-ip')).toBe(false);
    expect(t.isTrusted(undefined)).toBe(true); // Unix socket peers, as gunicorn
  });

  it('IPv4-mapped IPv6, in the peer or in the allow list, is the IPv4 address it carries (CIDR too)', () => {
    const t = createProxyTrust(['10.0.0.0/8', '::ffff:192.168.0.0/112', '::ffff:172.16.0.1']);
    expect(t.isTrusted('::ffff:10.9.8.7')).toBe(true);
    expect(t.isTrusted('::ffff:a09:807')).toBe(true); // the same, written in hex
    expect(t.isTrusted('::FFFF:10.0.0.1')).toBe(true);
    expect(t.isTrusted('::ffff:11.0.0.1')).toBe(false);
    expect(t.isTrusted('192.168.4.5')).toBe(true);
    expect(t.isTrusted('::ffff:192.168.4.5')).toBe(true);
    expect(t.isTrusted('192.169.0.1')).toBe(false);
    expect(t.isTrusted('172.16.0.1')).toBe(true);
    // A mapped address is not its IPv6 neighbours: ::ffff:0:0/96 ≠ ::/96 (IPv4-compatible, deprecated).
    expect(t.isTrusted('::10.9.8.7')).toBe(false);
    expect(t.isTrusted('64:ff9b::a09:807')).toBe(false);
  });

  it('CIDR edges: /0, /32, /128, host bits set in the network', () => {
    expect(createProxyTrust(['0.0.0.0/0']).isTrusted('203.0.113.9')).toBe(true);
    expect(createProxyTrust(['0.0.0.0/0']).isTrusted('2001:db8::1')).toBe(false);
    expect(createProxyTrust(['::/0']).isTrusted('2001:db8::1')).toBe(true);
    // An IPv6 network holding ::ffff:0:0/96 holds the IPv4 addresses too (BlockList's rule; a dual-stack
    // socket shows IPv4 peers that way).
    expect(createProxyTrust(['::/0']).isTrusted('203.0.113.9')).toBe(true);
    expect(createProxyTrust(['::/96']).isTrusted('203.0.113.9')).toBe(false);
    expect(createProxyTrust(['192.0.2.7/32']).isTrusted('192.0.2.7')).toBe(true);
    expect(createProxyTrust(['192.0.2.7/32']).isTrusted('192.0.2.8')).toBe(false);
    expect(createProxyTrust(['2001:db8::7/128']).isTrusted('2001:db8:0::7')).toBe(true);
    // Host bits in the network are masked off, as Python's ipaddress with strict=False and nginx do.
    expect(createProxyTrust(['10.1.2.3/8']).isTrusted('10.200.0.1')).toBe(true);
  });

  it('accepts comma-separated entries and *', () => {
    const t = createProxyTrust(['192.168.1.1, 192.168.1.2']);
    expect(t.isTrusted('192.168.1.2')).toBe(true);
    expect(createProxyTrust(['*']).isTrusted('8.8.8.8')).toBe(true);
  });

  it('refuses entries that are not addresses', () => {
    expect(() => createProxyTrust(['localhost'])).toThrow(TypeError);
    expect(() => createProxyTrust(['10.0.0.0/33'])).toThrow(TypeError);
    expect(() => createProxyTrust(['::/129'])).toThrow(TypeError);
    expect(() => createProxyTrust(['10.0.0.0/'])).toThrow(TypeError);
    expect(() => createProxyTrust(['10.0.0.0/8x'])).toThrow(TypeError);
    expect(() => createProxyTrust(['10.0.0.0/-1'])).toThrow(TypeError);
    expect(() => createProxyTrust(['::ffff:10.0.0.0/95'])).toThrow(TypeError);
  });

  it('address helpers', () => {
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('FE80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(canonicalIp('::')).toBe('0000:0000:0000:0000:0000:0000:0000:0000');
    expect(canonicalIp('unknown')).toBeNull();
    expect(stripPort('1.2.3.4:80')).toBe('1.2.3.4');
    expect(stripPort('[::1]:80')).toBe('::1');
    expect(stripPort('2001:db8::1')).toBe('2001:db8::1');
  });
});

describe('resolveClient', () => {
  const trust = createProxyTrust(['127.0.0.1', '10.0.0.0/8']);

  it('ignores every forwarding header from an untrusted peer', () => {
    const c = trust.resolveClient('203.0.113.9', {
      'x-forwarded-for': '1.1.1.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
      forwarded: 'for=2.2.2.2;proto=https;host=evil.example',
      'x-forwarded-ssl': 'on',
    });
    expect(c).toEqual({ remoteAddr: '203.0.113.9', scheme: 'http', host: null, trusted: false });
  });

  it('a trusted peer with no headers is the client', () => {
    expect(trust.resolveClient('::ffff:127.0.0.1', {})).toEqual({ remoteAddr: '127.0.0.1', scheme: 'http', host: null, trusted: true });
  });

  it('X-Forwarded-For: rightmost untrusted hop, so a spoofed leftmost entry does not win', () => {
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' }).remoteAddr).toBe('198.51.100.7');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-for': '198.51.100.7, 10.1.1.1, 10.2.2.2' }).remoteAddr).toBe('198.51.100.7');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-for': '10.1.1.1' }).remoteAddr).toBe('10.1.1.1'); // all trusted: leftmost
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-for': 'unknown, 10.1.1.1' }).remoteAddr).toBe('10.1.1.1');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-for': '198.51.100.7:5555' }).remoteAddr).toBe('198.51.100.7');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-for': '::ffff:198.51.100.7' }).remoteAddr).toBe('198.51.100.7');
  });

  it('with * every hop is trusted: the leftmost entry', () => {
    const all = createProxyTrust(['*']);
    expect(all.resolveClient('203.0.113.9', { 'x-forwarded-for': '1.1.1.1, 2.2.2.2' }).remoteAddr).toBe('1.1.1.1');
  });

  it('scheme from X-Forwarded-Proto (rightmost), X-Forwarded-Ssl, X-Forwarded-Protocol', () => {
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-proto': 'HTTPS' }).scheme).toBe('https');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-proto': 'http, https' }).scheme).toBe('https');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-proto': 'gopher' }).scheme).toBe('http');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-ssl': 'on' }).scheme).toBe('https');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-protocol': 'ssl' }).scheme).toBe('https');
    expect(trust.resolveClient('127.0.0.1', {}, 'https').scheme).toBe('https');
  });

  it('host from X-Forwarded-Host, refusing values that are not hosts', () => {
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-host': 'example.com:8443' }).host).toBe('example.com:8443');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-host': 'a.example, b.example' }).host).toBe('b.example');
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-host': 'bad host\r\nx: y' }).host).toBeNull();
    expect(trust.resolveClient('127.0.0.1', { 'x-forwarded-host': '[2001:db8::1]:80' }).host).toBe('[2001:db8::1]:80');
  });

  it('RFC 7239 Forwarded: for/proto/host, quoted IPv6 with port, wins over X-Forwarded-*', () => {
    const c = trust.resolveClient('127.0.0.1', {
      forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https;host=shop.example',
      'x-forwarded-for': '9.9.9.9',
    });
    expect(c).toEqual({ remoteAddr: '2001:db8:cafe::17', scheme: 'https', host: 'shop.example', trusted: true });
    const chain = trust.resolveClient('127.0.0.1', { forwarded: 'for=6.6.6.6, for=192.0.2.60;proto=http;by=203.0.113.43, for=10.0.0.5' });
    expect(chain.remoteAddr).toBe('192.0.2.60');
    expect(chain.scheme).toBe('http');
    expect(trust.resolveClient('127.0.0.1', { forwarded: 'For="_hidden", for=198.51.100.1' }).remoteAddr).toBe('198.51.100.1');
  });

  it('a malformed Forwarded header falls back to X-Forwarded-*', () => {
    const c = trust.resolveClient('127.0.0.1', { forwarded: 'for', 'x-forwarded-for': '198.51.100.2' });
    expect(c.remoteAddr).toBe('198.51.100.2');
  });
});

describe('over a real socket', () => {
  async function serveWith(allow: string[]): Promise<{ port: number; close: () => Promise<void> }> {
    const trust = createProxyTrust(allow);
    const server = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(trust.resolveClient(req.socket.remoteAddress, req.headers)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
  }
  function ask(port: number, headers: Record<string, string>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
      req.end();
    });
  }
  const spoof = { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'spoof.example' };

  it('trust on: loopback proxy headers are honoured', async () => {
    const s = await serveWith(['127.0.0.1']);
    try {
      expect(await ask(s.port, spoof)).toEqual({ remoteAddr: '1.2.3.4', scheme: 'https', host: 'spoof.example', trusted: true });
    } finally {
      await s.close();
    }
  });

  it('a dual-stack listener sees an IPv4 client as ::ffff:127.0.0.1; an IPv4 allow list still trusts it', async () => {
    const trust = createProxyTrust(['127.0.0.0/8']);
    let peer = '';
    const server = createServer((req, res) => {
      peer = req.socket.remoteAddress ?? '';
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(trust.resolveClient(req.socket.remoteAddress, req.headers)));
    });
    // '::' without ipv6Only accepts IPv4 too, as IPv4-mapped peers.
    await new Promise<void>((r) => server.listen({ port: 0, host: '::', ipv6Only: false }, r));
    try {
      const port = (server.address() as AddressInfo).port;
      expect(await ask(port, spoof)).toEqual({ remoteAddr: '1.2.3.4', scheme: 'https', host: 'spoof.example', trusted: true });
      expect(peer).toBe('::ffff:127.0.0.1');
    } finally {
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });

  it('trust off: the same spoofed headers from an untrusted peer change nothing', async () => {
    const s = await serveWith(['192.0.2.1']);
    try {
      expect(await ask(s.port, spoof)).toEqual({ remoteAddr: '127.0.0.1', scheme: 'http', host: null, trusted: false });
    } finally {
      await s.close();
    }
  });
});
