// `gantry serve --certfile --keyfile [--ca-certs] [--http2]` end to end, checked by clients nobody here wrote:
// curl (--cacert, --http2), Python's ssl module and nghttp. The certificate comes from the local CA.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ensureLocalCa, issueLeaf } from '../../src/tls/local-ca.js';
import { tlsFiles } from '../helpers/tls-files.js';
import { cliScope } from '../helpers/cli-scope.js';
import { GANTRY_BIN } from '../helpers/paths.js';
import type { StartedProcess } from '../helpers/process.js';
import { gantryServeArgv, spawnGantry } from '../helpers/gantry.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { requireTool } from '../helpers/tools.js';
import { FIXTURE_APPS } from '../runtime/harness.js';

const run = promisify(execFile);
const curl = requireTool('curl', 'apt curl');
const nghttp = requireTool('nghttp', 'apt nghttp2-client');
const python = requireTool('/usr/bin/python3');
const s = cliScope();

const LISTENING = /Listening at: https:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;

async function serve(args: string[], ready = LISTENING): Promise<StartedProcess> {
  return spawnGantry({ chdir: FIXTURE_APPS, python: 'python3', args, app: 'conformance:application', ready });
}

async function curlJson(args: string[]): Promise<{ head: string; body: Record<string, string> }> {
  const r = await run(curl.path!, ['-sS', '-D', '-', ...args], { maxBuffer: 1 << 24 });
  const at = r.stdout.indexOf('\r\n\r\n');
  return { head: r.stdout.slice(0, at), body: JSON.parse(r.stdout.slice(at + 4)) as Record<string, string> };
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

describe.skipIf(!curl.path || !nghttp.path || !python.path)('gantry serve over TLS', () => {
  it('HTTPS with HTTP/2 by ALPN and HTTP/1.1 fallback; the environ says https, HTTPS=on, SERVER_PROTOCOL HTTP/2 with pseudo-headers mapped', async () => {
    s.tmp = await makeTempDir();
    const f = await tlsFiles(s.tmp.path);
    s.proc = await serve(['--certfile', f.cert, '--keyfile', f.key, '--http2']);
    const port = s.proc.ready[1]!;

    const h2 = await curlJson(['--cacert', f.ca, '--http2', `https://localhost:${port}/environ?a=1`]);
    expect(h2.head).toMatch(/^HTTP\/2 200/);
    expect(h2.body).toMatchObject({
      SERVER_PROTOCOL: 'HTTP/2',
      REQUEST_METHOD: 'GET',
      PATH_INFO: '/environ',
      QUERY_STRING: 'a=1',
      HTTP_HOST: `localhost:${port}`,
      SERVER_NAME: 'localhost',
      SERVER_PORT: port,
      HTTPS: 'on',
      'wsgi.url_scheme': 'https',
    });
    expect(Object.keys(h2.body).filter((k) => k.includes(':'))).toEqual([]);

    const h1 = await curlJson([
      '--cacert',
      f.ca,
      '--http1.1',
      `https://demo.localhost:${port}/environ`,
      '--resolve',
      `demo.localhost:${port}:127.0.0.1`,
    ]);
    expect(h1.head).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(h1.body).toMatchObject({
      SERVER_PROTOCOL: 'HTTP/1.1',
      HTTP_HOST: `demo.localhost:${port}`,
      HTTPS: 'on',
      'wsgi.url_scheme': 'https',
    });

    // Hop-by-hop fields the app sets cannot go out over HTTP/2 (RFC 9113 §8.2.2); the rest does.
    const hop = await run(curl.path!, ['-sS', '-D', '-', '-o', '/dev/null', '--cacert', f.ca, '--http2', `https://localhost:${port}/hop`]);
    expect(hop.stdout).toMatch(/^HTTP\/2 200/);
    expect(hop.stdout).toMatch(/^x-kept: yes/m);
    expect(hop.stdout).not.toMatch(/^(connection|keep-alive|upgrade|transfer-encoding):/im);

    // nghttp speaks only HTTP/2: it must negotiate h2 by ALPN.
    const ng = await run(nghttp.path!, ['-v', '-n', `https://localhost:${port}/`]);
    expect(ng.stdout).toMatch(/negotiated protocol: h2/i);
    expect(ng.stdout).toMatch(/:status: 200/);

    // Python's ssl client verifies the chain and the name with the CA file only.
    const py = await run(python.path!, [
      '-c',
      `
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
c = http.client.HTTPSConnection('demo.localhost', int(sys.argv[2]), context=ctx)
c.sock = ctx.wrap_socket(__import__('socket').create_connection(('127.0.0.1', int(sys.argv[2]))), server_hostname='demo.localhost')
c.request('GET', '/')
r = c.getresponse()
print(r.status, r.read().decode().strip(), c.sock.version())
`,
      f.ca,
      port,
    ]);
    expect(py.stdout).toMatch(/^200 hello conformance TLSv1\.[23]/);

    // Without the CA, curl refuses the certificate (nothing here is "insecure").
    await expect(run(curl.path!, ['-sS', `https://localhost:${port}/`])).rejects.toMatchObject({ code: 60 });
  });

  it('plain gunicorn-style --certfile/--keyfile without --http2 is HTTPS over HTTP/1.1 only; a wrong key is a clear error', async () => {
    s.tmp = await makeTempDir();
    const f = await tlsFiles(s.tmp.path);
    s.proc = await serve(['--certfile', f.cert, '--keyfile', f.key]);
    const port = s.proc.ready[1]!;
    const r = await curlJson(['--cacert', f.ca, '--http2', `https://localhost:${port}/environ`]);
    expect(r.head).toMatch(/^HTTP\/1\.1 200/);
    expect(r.body['wsgi.url_scheme']).toBe('https');
    await s.proc.stop({ signal: 'SIGTERM', timeoutMs: 10_000 });

    const other = await ensureLocalCa(join(s.tmp.path, 'other'));
    const wrongKey = join(s.tmp.path, 'wrong.pem');
    writeFileSync(wrongKey, (await issueLeaf(other, ['localhost'])).keyPem);
    const bad = spawn(
      process.execPath,
      gantryServeArgv({
        chdir: FIXTURE_APPS,
        python: 'python3',
        args: ['--certfile', f.cert, '--keyfile', wrongKey],
        app: 'conformance:application',
      }),
    );
    let err = '';
    bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(err).toMatch(/GANTRY_ERR_TLS_FILES/);

    const usage = spawn(process.execPath, [GANTRY_BIN, 'serve', '--certfile', f.cert, 'conformance:application']);
    let usageErr = '';
    usage.stderr.on('data', (d: Buffer) => (usageErr += d.toString()));
    expect(await new Promise<number | null>((resolve) => usage.on('exit', resolve))).toBe(2);
    expect(usageErr).toMatch(/--keyfile.*required with certfile|keyfile: is required/);
  });

  it('HTTP/2 streams both ways: an upload is read whole by the app, and a 1 GiB download keeps the gateway RSS flat', async () => {
    s.tmp = await makeTempDir();
    const f = await tlsFiles(s.tmp.path);
    s.proc = await serve(['--certfile', f.cert, '--keyfile', f.key, '--http2']);
    const port = s.proc.ready[1]!;
    const upload = join(s.tmp.path, 'up.bin');
    writeFileSync(upload, Buffer.alloc(48 << 20, 7));
    const up = await run(curl.path!, [
      '-sS',
      '--cacert',
      f.ca,
      '--http2',
      '--data-binary',
      `@${upload}`,
      '-H',
      'Content-Type: application/octet-stream',
      `https://localhost:${port}/count`,
    ]);
    expect(up.stdout).toBe(String(48 << 20));

    const before = rssKiB(s.proc.pid);
    let peak = before;
    const hash = createHash('sha256');
    let bytes = 0;
    // curl reads slower than node can encrypt only if flow control holds the worker back; sample while it runs.
    const child = spawn(curl.path!, [
      '-sS',
      '--cacert',
      f.ca,
      '--http2',
      '-w',
      '%{http_version}',
      `https://localhost:${port}/big?mb=1024`,
      '-o',
      '-',
    ]);
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if ((bytes & 0xffffff) < d.length) peak = Math.max(peak, rssKiB(s.proc!.pid));
      hash.update(d);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(bytes).toBe((1024 << 20) + 1); // the body, then curl's "2"
    expect(peak - before, `RSS grew from ${before} KiB to ${peak} KiB`).toBeLessThan(64 * 1024);
  });
});
