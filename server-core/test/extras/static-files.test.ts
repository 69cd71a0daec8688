// Static-file maps against a real node:http server on port 0 and real files in a temp folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaticHandler, parseRange, safeSegments } from '../../src/gateway/static-files.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let base: string;
let server: Server;
let port: number;
const BIG = Buffer.alloc(3 * 1024 * 1024, 'abcdefghij');

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes on a socket, for request targets node's client or parser would tidy up. Returns the status line. */
function raw(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (c) => (data += c.toString('latin1')));
    sock.on('end', () => resolve(data.split('\r\n')[0]!));
    sock.on('error', reject);
    sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'gantry-static-'));
  const pub = join(base, 'public');
  mkdirSync(join(pub, 'css'), { recursive: true });
  mkdirSync(join(pub, 'docs'));
  mkdirSync(join(pub, 'empty'));
  mkdirSync(join(base, 'other'));
  writeFileSync(join(pub, 'hello.txt'), 'hello world\n');
  writeFileSync(join(pub, 'css', 'site.css'), 'body{}');
  writeFileSync(join(pub, 'app.js'), 'x=1');
  writeFileSync(join(pub, 'logo.svg'), '<svg/>');
  writeFileSync(join(pub, 'blob.unknownext'), 'zz');
  writeFileSync(join(pub, 'docs', 'index.html'), '<h1>docs</h1>');
  writeFileSync(join(pub, 'big.bin'), BIG);
  writeFileSync(join(pub, 'a b%.txt'), 'spaced');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  writeFileSync(join(base, 'other', 'o.txt'), 'other');
  utimesSync(join(pub, 'hello.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
  symlinkSync(join(base, 'secret.txt'), join(pub, 'escape.txt'));
  symlinkSync(join(base, 'other'), join(pub, 'linkdir'));
  symlinkSync(join(pub, 'hello.txt'), join(pub, 'inside-link.txt'));

  const serveStatic = createStaticHandler({ '/static': pub, '/static/other/': join(base, 'other') });
  server = createServer((req, res) => {
    if (serveStatic(req, res)) return;
    res.statusCode = 299; // "the app" answered
    res.end('app');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(base, { recursive: true, force: true });
});

describe('serving', () => {
  it('serves a file with type, validators, nosniff and length', async () => {
    const r = await get('/static/hello.txt');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello world\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['content-length']).toBe('12');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(r.headers.etag).toMatch(/^W\/"[0-9a-z]+-[0-9a-z]+"$/);
    expect(r.headers['accept-ranges']).toBe('bytes');
  });

  it('picks content types from the extension table', async () => {
    expect((await get('/static/css/site.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/static/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/static/logo.svg')).headers['content-type']).toBe('image/svg+xml');
    expect((await get('/static/blob.unknownext')).headers['content-type']).toBe('application/octet-stream');
  });

  it('HEAD has the headers and no body', async () => {
    const r = await get('/static/hello.txt', {}, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('12');
    expect(r.body.length).toBe(0);
  });

  it('other methods on a static path get 405 with Allow', async () => {
    const r = await get('/static/hello.txt', {}, 'POST');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  });

  it('leaves non-static paths to the app, including look-alike prefixes', async () => {
    expect((await get('/app')).status).toBe(299);
    expect((await get('/staticfoo/hello.txt')).status).toBe(299);
  });

  it('uses the longest matching mount', async () => {
    const r = await get('/static/other/o.txt');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('other');
  });

  it('decodes percent-encoding once', async () => {
    expect((await get('/static/a%20b%25.txt')).body.toString()).toBe('spaced');
    expect((await get('/static/a%20b%2525.txt')).status).toBe(404); // %25 → literal %, not decoded again
    expect((await get('/static/css%2fsite.css')).status).toBe(200);
    expect((await get('/static/%E0%A4%A')).status).toBe(400);
  });

  it('serves index.html for a directory, redirects without the slash, 404s with no index', async () => {
    const r = await get('/static/docs/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body.toString()).toBe('<h1>docs</h1>');
    const redirect = await get('/static/docs?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/static/docs/?x=1');
    expect((await get('/static/empty/')).status).toBe(404);
    expect((await get('/static/')).status).toBe(404); // no listings
    expect((await get('/static/missing.txt')).status).toBe(404);
  });

  it.runIf(process.platform === 'linux')(
    'a client that leaves mid-download does not leak the file descriptor [platform-specific: linux]',
    async () => {
      // Count descriptors open on big.bin itself (sockets come and go in this same process).
      const fds = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`).endsWith('big.bin');
          } catch {
            return false;
          }
        }).length;
      const baseline = 0;
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/static/big.bin', agent: false }, (res) => {
          res.once('data', () => {
            expect(fds()).toBe(1); // the server is streaming from it now
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        req.end();
      });
      // Wait on the state itself (the fd count), bounded, rather than on a fixed delay.
      const deadline = performance.now() + 5000;
      while (fds() > baseline && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(fds()).toBeLessThanOrEqual(baseline);
    },
  );

  it('streams a large file whole', async () => {
    const r = await get('/static/big.bin');
    expect(r.status).toBe(200);
    expect(r.body.equals(BIG)).toBe(true);
  });
});

describe('conditional requests', () => {
  it('If-None-Match with the ETag (weak or strong form, in a list) → 304', async () => {
    const { headers } = await get('/static/hello.txt');
    const etag = headers.etag as string;
    const r = await get('/static/hello.txt', { 'If-None-Match': etag });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
    expect(r.headers.etag).toBe(etag);
    expect((await get('/static/hello.txt', { 'If-None-Match': `"nope", ${etag.slice(2)}` })).status).toBe(304);
    expect((await get('/static/hello.txt', { 'If-None-Match': '*' })).status).toBe(304);
    expect((await get('/static/hello.txt', { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('If-Modified-Since → 304 when not newer; ignored when If-None-Match is present', async () => {
    expect((await get('/static/hello.txt', { 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:05 GMT' })).status).toBe(304);
    expect((await get('/static/hello.txt', { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' })).status).toBe(200);
    expect((await get('/static/hello.txt', { 'If-Modified-Since': 'garbage' })).status).toBe(200);
    const r = await get('/static/hello.txt', { 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:05 GMT', 'If-None-Match': '"other"' });
    expect(r.status).toBe(200);
  });
});

describe('ranges', () => {
  it('answers a single range with 206 and Content-Range', async () => {
    const r = await get('/static/hello.txt', { Range: 'bytes=0-4' });
    expect(r.status).toBe(206);
    expect(r.body.toString()).toBe('hello');
    expect(r.headers['content-range']).toBe('bytes 0-4/12');
    expect(r.headers['content-length']).toBe('5');
  });

  it('open-ended, suffix and over-long ranges', async () => {
    expect((await get('/static/hello.txt', { Range: 'bytes=6-' })).body.toString()).toBe('world\n');
    const suffix = await get('/static/hello.txt', { Range: 'bytes=-6' });
    expect(suffix.body.toString()).toBe('world\n');
    expect(suffix.headers['content-range']).toBe('bytes 6-11/12');
    const long = await get('/static/hello.txt', { Range: 'bytes=6-999' });
    expect(long.headers['content-range']).toBe('bytes 6-11/12');
  });

  it('a range in the middle of a large file', async () => {
    const r = await get('/static/big.bin', { Range: 'bytes=1000000-1000009' });
    expect(r.status).toBe(206);
    expect(r.body.equals(BIG.subarray(1000000, 1000010))).toBe(true);
  });

  it('unsatisfiable → 416 with bytes */size', async () => {
    const r = await get('/static/hello.txt', { Range: 'bytes=12-' });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe('bytes */12');
    expect((await get('/static/hello.txt', { Range: 'bytes=-0' })).status).toBe(416);
  });

  it('multi-range, bad syntax and other units get the whole file', async () => {
    for (const range of ['bytes=0-1,3-4', 'bytes=x-y', 'items=0-1', 'bytes=5-2']) {
      const r = await get('/static/hello.txt', { Range: range });
      expect(r.status, range).toBe(200);
      expect(r.body.toString()).toBe('hello world\n');
    }
  });

  it('If-Range: matching validator → 206, stale → 200', async () => {
    const { headers } = await get('/static/hello.txt');
    expect((await get('/static/hello.txt', { Range: 'bytes=0-0', 'If-Range': headers.etag as string })).status).toBe(206);
    expect((await get('/static/hello.txt', { Range: 'bytes=0-0', 'If-Range': headers['last-modified'] as string })).status).toBe(206);
    expect((await get('/static/hello.txt', { Range: 'bytes=0-0', 'If-Range': 'W/"stale"' })).status).toBe(200);
  });

  it('parseRange edge cases', () => {
    expect(parseRange('bytes=0-0', 1)).toEqual([0, 0]);
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-5', 3)).toEqual([0, 2]);
    expect(parseRange('bytes=-', 3)).toBeNull();
  });
});

describe('no path traversal', () => {
  it('../ in every spelling is refused', async () => {
    for (const target of [
      '/static/../secret.txt',
      '/static/%2e%2e/secret.txt',
      '/static/%2E%2E%2Fsecret.txt',
      '/static/..%2fsecret.txt',
      '/static/css/..%2f..%2fsecret.txt',
      '/static/%2e%2e%5csecret.txt',
      '/static/..\\secret.txt',
      '/static/css\\..\\..\\secret.txt',
    ]) {
      const status = await raw(target);
      expect(status, target).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
  });

  it('double encoding is not decoded twice', async () => {
    expect(await raw('/static/%252e%252e/secret.txt')).toMatch(/^HTTP\/1\.1 404/);
  });

  it('NUL bytes are refused', async () => {
    expect(await raw('/static/hello.txt%00.png')).toMatch(/^HTTP\/1\.1 404/);
  });

  it('absolute paths stay inside DIR', async () => {
    expect(await raw(`/static/${base}/secret.txt`)).toMatch(/^HTTP\/1\.1 404/);
    expect(await raw(`/static//${base.slice(1)}/secret.txt`)).toMatch(/^HTTP\/1\.1 404/);
    expect(await raw(`/static/${encodeURIComponent(join(base, 'secret.txt'))}`)).toMatch(/^HTTP\/1\.1 404/);
  });

  it('symlinks that leave DIR are 404; symlinks inside DIR are served', async () => {
    expect((await get('/static/escape.txt')).status).toBe(404);
    expect((await get('/static/linkdir/o.txt')).status).toBe(404);
    const ok = await get('/static/inside-link.txt');
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('hello world\n');
  });

  it('safeSegments rejects the usual suspects', () => {
    expect(safeSegments('/../x')).toBe(404);
    expect(safeSegments('/a/%2e%2e/x')).toBe(404);
    expect(safeSegments('/a%5cb')).toBe(404);
    expect(safeSegments('/a%00')).toBe(404);
    expect(safeSegments('/%zz')).toBe(400);
    expect(safeSegments('//a/./b/')).toEqual(['a', 'b']);
    // Dotfiles only when opted in (--static-dotfiles).
    expect(safeSegments('/.env')).toBe(404);
    expect(safeSegments('/.git/config')).toBe(404);
    expect(safeSegments('/a/%2Ehtpasswd')).toBe(404);
    expect(safeSegments('/.well-known/x', true)).toEqual(['.well-known', 'x']);
  });
});
