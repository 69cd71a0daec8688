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

  it('accepts comma-separated entries and *', () => {
    const t = createProxyTrust(['192.168.1.1, 192.168.1.2']);
    expect(t.isTrusted('192.168.1.2')).toBe(true);
    expect(createProxyTrust(['*']).isTrusted('8.8.8.8')).toBe(true);
  });

  it('refuses entries that are not addresses', () => {
    expect(() => createProxyTrust(['localhost'])).toThrow(TypeError);
    expect(() => createProxyTrust(['10.0.0.0/33'])).toThrow(TypeError);
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

  it('trust off: the same spoofed headers from an untrusted peer change nothing', async () => {
    const s = await serveWith(['192.0.2.1']);
    try {
      expect(await ask(s.port, spoof)).toEqual({ remoteAddr: '127.0.0.1', scheme: 'http', host: null, trusted: false });
    } finally {
      await s.close();
    }
  });
});
