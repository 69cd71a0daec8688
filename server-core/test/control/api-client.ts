// A test harness: a real Host (temp GANTRY_HOME) behind a real control API, and a small typed fetch helper.
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { createHost, type Host, type HostOptions } from '../../src/host/host.js';
import { startControlServer, type ControlServer, type ControlServerOptions } from '../../src/control/server.js';

// New apps get ports away from the 8000s that other suites (and developers) use; per test process.
process.env.GANTRY_FIRST_PORT ??= String(20000 + 100 * Math.floor(Math.random() * 300));

export interface Harness {
  readonly home: TempDir;
  readonly host: Host;
  readonly server: ControlServer;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<HostOptions> = {}, serverOpts: Partial<ControlServerOptions> = {}): Promise<Harness> {
  const home = await makeTempDir('gantry-home-');
  const host = await createHost({ home: home.path, demoFolder: null, stopTimeoutMs: 10_000, ...opts });
  const server = await startControlServer({ host, ...serverOpts });
  return {
    home,
    host,
    server,
    async api(method, path, body, headers = {}) {
      const res = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON (Prometheus text, HTML) */
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async close() {
      await server.close();
      await host.close();
      await home.remove();
    },
  };
}
