// "Green only when the port answers": the connect probe itself, and the Host's healthy flag depending on it
// (a runtime that reports itself healthy while nothing accepts on its port must not show healthy).
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import { allAnswer, connectProbe, httpProbe, loopbackFor, probeTarget } from '../../src/host/port-probe.js';
import { createFakeRuntime } from './fake-runtime.js';
import { harnessPerTest, type Harness } from '../control/api-client.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirPerTest, type TempDir } from '../helpers/tempdir.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const defer = cleanupPerTest();
const tempDir = tempDirPerTest('gantry-probe-');
const projectDir = tempDirPerTest('gantry-project-');
const startHarness = harnessPerTest();

async function listen(server: net.Server, opts: net.ListenOptions): Promise<void> {
  await new Promise<void>((r) => server.listen(opts, r));
  defer(() => new Promise((r) => server.close(r)));
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("http probe (the staging launch's last step)", () => {
  it('any status counts as answering; a wildcard host is reached on loopback', async () => {
    const seen: string[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['user-agent']}`);
      res.statusCode = 500;
      res.end();
    });
    await listen(server, { host: '127.0.0.1', port: 0 });
    expect(await httpProbe('0.0.0.0', (server.address() as AddressInfo).port)).toEqual({ ok: true, status: 500 });
    expect(seen).toEqual(['GET / gantry-health']);
  });

  it('nothing listening, or no answer in time, is not ok, with the reason', async () => {
    expect(await httpProbe('127.0.0.1', await deadPort())).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => void held.push(s)); // accepts, never answers
    await listen(silent, { host: '127.0.0.1', port: 0 });
    defer(async () => held.forEach((s) => s.destroy()));
    expect(await httpProbe('127.0.0.1', (silent.address() as AddressInfo).port, 200)).toEqual({ ok: false, error: 'timed out' });
  });

  it('maps wildcard binds to loopback, in one place', () => {
    // bind host -> the host a probe connects to
    const want: Record<string, string> = {
      '0.0.0.0': '127.0.0.1',
      '::': '::1',
      '[::]': '::1',
      '': '127.0.0.1',
      '10.0.0.5': '10.0.0.5',
      '::1': '::1',
      '[::1]': '::1',
    };
    expect(Object.fromEntries(Object.keys(want).map((bind) => [bind, loopbackFor(bind)]))).toEqual(want);
  });
});

describe('connect probe', () => {
  it('maps runtime URLs to connect targets (wildcards to loopback, unix paths)', () => {
    expect(probeTarget('http://0.0.0.0:8000')).toEqual({ host: '127.0.0.1', port: 8000 });
    expect(probeTarget('http://[::]:8001')).toEqual({ host: '::1', port: 8001 });
    expect(probeTarget('http://127.0.0.1:8002/')).toEqual({ host: '127.0.0.1', port: 8002 });
    expect(probeTarget('unix:/tmp/x.sock')).toEqual({ path: '/tmp/x.sock' });
    expect(probeTarget('not a url')).toBeNull();
  });

  it('is true for a listening TCP port and a unix socket, false for a closed port and no URLs', async () => {
    const tcp = net.createServer((s) => s.destroy());
    await listen(tcp, { host: '127.0.0.1', port: 0 });
    const dir = await tempDir();
    const unix = net.createServer((s) => s.destroy());
    await listen(unix, { path: join(dir.path, 'app.sock') });
    const live = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
    expect(await connectProbe(live)).toBe(true);
    expect(await connectProbe(`unix:${join(dir.path, 'app.sock')}`)).toBe(true);
    expect(await connectProbe(`http://127.0.0.1:${await deadPort()}`)).toBe(false);
    expect(await allAnswer([live, `http://127.0.0.1:${await deadPort()}`])).toBe(false);
    expect(await allAnswer([])).toBe(false);
  });
});

describe('Host health', () => {
  let h: Harness;
  let project: TempDir;

  async function addSite(createRuntime: NonNullable<Parameters<typeof startHarness>[0]>['createRuntime']): Promise<void> {
    h = await startHarness({ createRuntime });
    project = await projectDir();
    await cp(resolve(SERVER_CORE_DIR, 'test/fixtures/detect/pyproject'), project.path, { recursive: true });
    const add = await h.api('POST', '/api/apps', { folder: project.path, id: 'site', detect: false, settings: { python: SYSTEM_PYTHON } });
    expect(add.status).toBe(200);
  }

  it('is healthy when the runtime is ready and its port accepts connections', async () => {
    await addSite((s) => createFakeRuntime(s));
    const started = await h.api('POST', '/api/apps/site/start', {});
    expect(started.body).toMatchObject({ state: 'running', healthy: true });
  });

  it('is not healthy while the runtime claims health but nothing answers on its port', async () => {
    const port = await deadPort();
    await addSite((s) => {
      const rt = createFakeRuntime(s);
      const status = rt.status.bind(rt);
      // The runtime says running and healthy, but its URL points at a port nobody listens on.
      return Object.assign(rt, { status: () => ({ ...status(), urls: [`http://127.0.0.1:${port}`] }) });
    });
    const started = await h.api('POST', '/api/apps/site/start', {});
    expect(started.body).toMatchObject({ state: 'running', healthy: false });
  });
});
