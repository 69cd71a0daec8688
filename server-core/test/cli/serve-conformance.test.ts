// Issue 2/3 behaviours checked through `gantry serve` itself (the built CLI, real workers), where other
// tests cover them only below the CLI: hop-by-hop headers from the app, request ids in the output, metrics
// and health, static files and proxy headers over raw sockets. Waits are on output, exits and responses.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnGantryPerTest } from '../helpers/gantry.js';
import { assertGantryBuilt } from '../helpers/paths.js';
import type { StartedProcess } from '../helpers/process.js';
import { RawConnection } from '../helpers/raw-http.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS, until } from '../runtime/harness.js';

const LISTENING = /Listening at: http:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;
const METRICS = /Metrics at: (http:\/\/127\.0\.0\.1:\d+)\/metrics/;
const APP = 'conformance:application';

const tempDir = tempDirPerTest();
const spawnGantry = spawnGantryPerTest();

beforeAll(() => {
  assertGantryBuilt();
});

/** `gantry serve` of the conformance app with these flags, killed after the test. */
function serve(args: string[], ready: RegExp = LISTENING): Promise<StartedProcess> {
  return spawnGantry({ chdir: FIXTURE_APPS, python: 'python3', args, app: APP, ready });
}

async function portOf(p: StartedProcess): Promise<number> {
  return Number((await p.waitForOutput(LISTENING, 30_000))[1]);
}

function workerPids(output: string): number[] {
  return [...output.matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
}

/** Minimal Prometheus text-format parser: every line is a comment (# HELP/# TYPE) or `name{labels} value`. */
function parsePrometheus(text: string): Map<string, number> {
  expect(text.endsWith('\n')).toBe(true);
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) {
      expect(typed.has(t[1]!), `family ${t[1]} typed twice`).toBe(false);
      typed.add(t[1]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/.exec(
      line,
    );
    expect(m, `not a Prometheus sample line: ${JSON.stringify(line)}`).not.toBeNull();
    const family = m![1]!.replace(/_(bucket|sum|count)$/, '');
    expect(typed.has(family) || typed.has(m![1]!), `sample ${m![1]} before its # TYPE`).toBe(true);
    samples.set(`${m![1]}${m![2] ?? ''}`, Number(m![3]));
  }
  return samples;
}

function requests2xx(samples: Map<string, number>): number {
  for (const [k, v] of samples) if (k.startsWith('gantry_requests_total{') && k.includes('status_class="2xx"')) return v;
  throw new Error('no gantry_requests_total{status_class="2xx"} sample');
}

describe('hop-by-hop headers from the app (gunicorn drops them)', () => {
  it('are dropped, not a 500; Connection: close is honoured by closing after the response', async () => {
    const port = await portOf(await serve(['-w', '1']));
    const c = await RawConnection.connect(port);
    await c.write('GET /hop?connection=keep-alive HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const { responses, closed } = await c.responses(2);
    expect(closed).toBe(false);
    const [hop, next] = responses;
    expect(hop!.status).toBe(200);
    expect(hop!.body.toString()).toBe('hop');
    expect(hop!.header('x-kept')).toBe('yes');
    for (const name of ['upgrade', 'trailers', 'proxy-authenticate', 'transfer-encoding']) expect(hop!.header(name), name).toBeUndefined();
    expect(hop!.header('keep-alive') ?? '').not.toContain('99');
    expect(hop!.header('connection')?.toLowerCase()).not.toBe('close');
    expect(next!.status).toBe(200);
    c.destroy();

    const d = await RawConnection.connect(port);
    await d.write('GET /hop HTTP/1.1\r\nHost: x\r\n\r\n');
    const closing = await d.responses(1);
    expect(closing.responses[0]!.status).toBe(200);
    expect(closing.responses[0]!.header('connection')?.toLowerCase()).toBe('close');
    expect(await d.waitForClose(10_000)).toBe(true);
    expect((await fetchRaw(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });
});

describe('request ids through gantry serve', () => {
  it('takes or makes X-Request-ID, gives it to the app, echoes it once, and tags stderr, wsgi.errors and tracebacks with it', async () => {
    const p = await serve(['-w', '1']);
    const port = await portOf(p);
    const given = await fetchRaw(`http://127.0.0.1:${port}/rid?t=given`, { headers: { 'X-Request-ID': 'conf-rid-1' } });
    expect(given.text()).toBe('conf-rid-1');
    expect(given.headers['x-request-id']).toBe('conf-rid-1');
    const made = await fetchRaw(`http://127.0.0.1:${port}/rid?t=made`);
    const id = made.headers['x-request-id'] as string;
    expect(id).toMatch(/^[A-Za-z0-9._-]{8,200}$/);
    expect(made.text()).toBe(id);
    const dirty = await fetchRaw(`http://127.0.0.1:${port}/rid?t=dirty`, { headers: { 'X-Request-ID': 'bad id"<>' } });
    expect(dirty.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(dirty.text()).toBe(dirty.headers['x-request-id']);

    await p.waitForOutput(/\[conf-rid-1\] stderr-mark given/, 10_000);
    await p.waitForOutput(/\[conf-rid-1\] errors-mark given/, 10_000);
    await p.waitForOutput(new RegExp(`\\[${id.replace(/\./g, '\\.')}\\] stderr-mark made`), 10_000);

    const failed = await fetchRaw(`http://127.0.0.1:${port}/raise?t=tb`, { headers: { 'X-Request-ID': 'conf-rid-tb' } });
    expect(failed.status).toBe(500);
    expect(failed.headers['x-request-id']).toBe('conf-rid-tb');
    await p.waitForOutput(/\[conf-rid-tb\] RuntimeError: conformance boom tb/, 10_000);
    expect(p.output()).toMatch(/\[conf-rid-tb\] Traceback \(most recent call last\)/);
    expect((await fetchRaw(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });
});

describe('metrics and health through gantry serve', () => {
  it('/metrics parses as Prometheus text and counts each request', async () => {
    const p = await serve(['-w', '2', '--metrics-bind', '127.0.0.1:0'], METRICS);
    const port = await portOf(p);
    const metricsUrl = p.ready[1]!;
    const first = await fetchRaw(`${metricsUrl}/metrics`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = requests2xx(parsePrometheus(first.text()));
    for (let i = 0; i < 7; i++) expect((await fetchRaw(`http://127.0.0.1:${port}/`)).status).toBe(200);
    expect((await fetchRaw(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    // The access entry (and its count) is recorded when the response ends; wait on the count itself.
    let samples = new Map<string, number>();
    await until(
      async () => {
        samples = parsePrometheus((await fetchRaw(`${metricsUrl}/metrics`)).text());
        return requests2xx(samples) === before + 7;
      },
      10_000,
      '7 more 2xx in /metrics',
    );
    const k4 = [...samples.keys()].find((k) => k.startsWith('gantry_requests_total{') && k.includes('status_class="4xx"'))!;
    expect(samples.get(k4)).toBe(1);
    const idle = [...samples.entries()].filter(([k]) => k.startsWith('gantry_workers{')).reduce((n, [, v]) => n + v, 0);
    expect(idle).toBe(2);
  });

  it('/healthz is 503 before the workers are ready and when none is (the only one died, its replacement is booting), 200 once one is', async () => {
    const tmp = await tempDir();
    const gate = join(tmp.path, 'gate');
    // Before ready: the worker is importing (blocked on the gate), the metrics listener already answers.
    const p = await serve(['-w', '1', '--metrics-bind', '127.0.0.1:0', '-e', `CONFORMANCE_GATE=${gate}`], METRICS);
    const metricsUrl = p.ready[1]!;
    await p.waitForOutput(/Booting worker with pid/, 10_000);
    const booting = await fetchRaw(`${metricsUrl}/healthz`);
    expect(booting.status).toBe(503);
    expect(booting.text()).toMatch(/starting/);
    expect(parsePrometheus((await fetchRaw(`${metricsUrl}/metrics`)).text()).size).toBeGreaterThan(0);
    expect(p.output()).not.toMatch(LISTENING);
    writeFileSync(gate, '');
    const port = await portOf(p);
    expect((await fetchRaw(`${metricsUrl}/healthz`)).status).toBe(200);

    // The only worker dies; its replacement blocks in import until the gate is back.
    rmSync(gate);
    const [pid] = workerPids(p.output());
    process.kill(pid!, 'SIGKILL');
    await until(() => workerPids(p.output()).length === 2, 10_000, 'replacement worker spawned');
    const down = await fetchRaw(`${metricsUrl}/healthz`);
    expect(down.status).toBe(503);
    expect(down.text()).toMatch(/no worker is ready/);
    writeFileSync(gate, '');
    await until(async () => (await fetchRaw(`${metricsUrl}/healthz`)).status === 200, 15_000, 'healthy again');
    expect((await fetchRaw(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });
});

describe('static files and proxy headers through gantry serve', () => {
  it('serves --static with validators and ranges, and no traversal spelling reaches outside DIR', async () => {
    const tmp = await tempDir();
    const pub = join(tmp.path, 'pub');
    mkdirSync(join(pub, 'sub'), { recursive: true });
    writeFileSync(join(pub, 'a.txt'), 'static text 0123456789');
    writeFileSync(join(pub, 'sub', 'b.css'), 'b{}');
    writeFileSync(join(tmp.path, 'secret.txt'), 'TOP SECRET');
    const port = await portOf(await serve(['-w', '1', '--static', `/static=${pub}`]));

    const ok = await fetchRaw(`http://127.0.0.1:${port}/static/a.txt`);
    expect(ok.status).toBe(200);
    expect(ok.text()).toBe('static text 0123456789');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect((await fetchRaw(`http://127.0.0.1:${port}/static/sub/b.css`)).headers['content-type']).toMatch(/^text\/css/);
    const etag = ok.headers.etag as string;
    expect(etag).toBeTruthy();
    expect(ok.headers['last-modified']).toBeTruthy();
    expect((await fetchRaw(`http://127.0.0.1:${port}/static/a.txt`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const part = await fetchRaw(`http://127.0.0.1:${port}/static/a.txt`, { headers: { Range: 'bytes=12-15' } });
    expect(part.status).toBe(206);
    expect(part.text()).toBe('0123');
    expect(part.headers['content-range']).toBe('bytes 12-15/22');

    const attempts = [
      '/static/../secret.txt',
      '/static/%2e%2e/secret.txt',
      '/static/%2E%2E%2Fsecret.txt',
      '/static/..%2fsecret.txt',
      '/static/..%5csecret.txt',
      '/static/..\\secret.txt',
      '/static/sub/../../secret.txt',
      '/static/%252e%252e/secret.txt',
      '/static/.%2e/secret.txt',
      '/static//' + tmp.path.slice(1) + '/secret.txt',
      '/static/%2f' + tmp.path.slice(1) + '/secret.txt',
      '/static/a.txt%00.png',
      '/static/%c0%ae%c0%ae/secret.txt',
    ];
    for (const target of attempts) {
      const c = await RawConnection.connect(port);
      await c.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const { responses } = await c.responses(1);
      c.destroy();
      expect(responses.length, target).toBe(1);
      expect([400, 403, 404], `${target} -> ${responses[0]!.status}`).toContain(responses[0]!.status);
      expect(responses[0]!.body.toString('latin1'), target).not.toContain('TOP SECRET');
    }
    expect((await fetchRaw(`http://127.0.0.1:${port}/static/a.txt`)).status).toBe(200);
  });

  it('honours X-Forwarded-* and Forwarded from a trusted peer, and ignores them when the peer is not trusted', async () => {
    const spoof = { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example' };
    const trusted = await portOf(await serve(['-w', '1']));
    const on = JSON.parse((await fetchRaw(`http://127.0.0.1:${trusted}/environ`, { headers: spoof })).text()) as Record<string, string>;
    expect(on.REMOTE_ADDR).toBe('203.0.113.7');
    expect(on['wsgi.url_scheme']).toBe('https');
    // The host a client (or a proxy passing it on) names is not the server's unless the user says so.
    expect(on.HTTP_HOST).toBe(`127.0.0.1:${trusted}`);
    const fwd = JSON.parse(
      (
        await fetchRaw(`http://127.0.0.1:${trusted}/environ`, {
          headers: { Forwarded: 'for="[2001:db8::1]:4711";proto=https;host=fwd.example' },
        })
      ).text(),
    ) as Record<string, string>;
    expect(fwd.REMOTE_ADDR).toBe('2001:db8::1');
    expect(fwd['wsgi.url_scheme']).toBe('https');
    expect(fwd.HTTP_HOST).toBe(`127.0.0.1:${trusted}`);
    const hostOn = await portOf(await serve(['-w', '1', '--forwarded-allow-host']));
    expect(
      (JSON.parse((await fetchRaw(`http://127.0.0.1:${hostOn}/environ`, { headers: spoof })).text()) as Record<string, string>).HTTP_HOST,
    ).toBe('shop.example');
    expect(
      (
        JSON.parse(
          (await fetchRaw(`http://127.0.0.1:${hostOn}/environ`, { headers: { Forwarded: 'for=192.0.2.1;host=fwd.example' } })).text(),
        ) as Record<string, string>
      ).HTTP_HOST,
    ).toBe('fwd.example');

    const untrusted = await portOf(await serve(['-w', '1', '--forwarded-allow-ips', '10.9.9.9']));
    const off = JSON.parse(
      (
        await fetchRaw(`http://127.0.0.1:${untrusted}/environ`, { headers: { ...spoof, Forwarded: 'for=198.51.100.1;proto=https' } })
      ).text(),
    ) as Record<string, string>;
    expect(off.REMOTE_ADDR).toBe('127.0.0.1');
    expect(off['wsgi.url_scheme']).toBe('http');
    expect(off.HTTP_HOST).toBe(`127.0.0.1:${untrusted}`);
  });
});

describe('connections and the worker channel through gantry serve', () => {
  it('--keep-alive: an idle kept-alive connection is closed by the server after that many seconds', async () => {
    const port = await portOf(await serve(['-w', '1', '--keep-alive', '1']));
    const c = await RawConnection.connect(port);
    await c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const { responses, closed } = await c.responses(1);
    expect(responses[0]!.status).toBe(200);
    expect(closed).toBe(false);
    const t0 = Date.now();
    expect(await c.waitForClose(10_000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
  });

  it('each worker listens on a Unix socket in a private (0700) directory that is removed on stop', async () => {
    const p = await serve(['-w', '2']);
    await portOf(p);
    const socks = workerPids(p.output()).map((pid) => {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const listen = argv[argv.indexOf('--listen') + 1]!;
      expect(listen).toMatch(/^unix:\//);
      return listen.slice('unix:'.length);
    });
    expect(new Set(socks).size).toBe(2);
    const dir = dirname(socks[0]!);
    expect(dirname(socks[1]!)).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(dir).uid).toBe(process.getuid!());
    for (const s of socks) expect(statSync(s).isSocket()).toBe(true);
    process.kill(p.pid, 'SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});
