// A test harness: a real Host (temp GANTRY_HOME) behind a real control API, and the control API's own client
// (src/control/client.ts): `client.call` for typed calls, `api` for any request (what the contract would refuse).
import { perTest, scope } from '../helpers/per-test.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { createHost, type Host, type HostOptions } from '../../src/host/host.js';
import { startControlServer, type ControlServer, type ControlServerOptions } from '../../src/control/server.js';
import { createApiClient, type ApiClient } from '../../src/control/client.js';

// New apps get ports away from the 8000s that other suites (and developers) use; per test process.
process.env.GANTRY_FIRST_PORT ??= String(20000 + 100 * Math.floor(Math.random() * 300));

export interface Harness {
  readonly home: TempDir;
  readonly host: Host;
  readonly server: ControlServer;
  readonly client: ApiClient;
  /** Any request with the token; a string body is sent as it is (as JSON unless headers say otherwise). */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<HostOptions> = {}, serverOpts: Partial<ControlServerOptions> = {}): Promise<Harness> {
  const home = await makeTempDir('gantry-home-');
  const host = await createHost({ home: home.path, demoFolder: null, stopTimeoutMs: 10_000, ...opts });
  const server = await startControlServer({ host, ...serverOpts });
  const client = createApiClient({ baseUrl: server.url, token: server.token });
  return {
    home,
    host,
    server,
    client,
    api: <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      typeof body === 'string'
        ? client.send<T>(method, path, { text: body, headers: { 'content-type': 'application/json', ...headers } })
        : client.send<T>(method, path, { json: body, headers }),
    async close() {
      await server.close();
      await host.close();
      await home.remove();
    },
  };
}

/**
 * Adds an app as given, without detection or a pyproject import: a folder, an id and a callable (what a fake runtime
 * needs). The answer's status is checked here; a test of the refusals sends its own POST /api/apps.
 */
export async function addApp(h: Harness, folder: string, id: string, app = 'x:application'): Promise<void> {
  const r = await h.api('POST', '/api/apps', { folder, id, detect: false, importPyproject: false, settings: { app } });
  if (r.status !== 200) throw new Error(`POST /api/apps ${id} answered ${r.status}: ${JSON.stringify(r.body)}`);
}

/** For a file's tests: the returned function starts a Harness (as startHarness), closed after the test that started it. */
export function harnessPerTest(): typeof startHarness {
  return perTest(startHarness, (h) => h.close());
}

/**
 * A Harness started before the enclosing block's tests and closed after them (`file`, the default: shared by the
 * tests there), or one of its own for each test (`each`). Options given as a function are read when it starts
 * (for what a before hook made, such as a folder).
 */
export function harnessScope(
  opts: Partial<HostOptions> | (() => Partial<HostOptions>) = {},
  serverOpts: Partial<ControlServerOptions> | (() => Partial<ControlServerOptions>) = {},
  per: 'file' | 'each' = 'file',
): Harness {
  const read = <O>(o: O | (() => O)): O => (typeof o === 'function' ? (o as () => O)() : o);
  return scope(
    () => startHarness(read(opts), read(serverOpts)),
    (h) => h.close(),
    per,
  );
}
