// "Does the listener answer?": one short HTTP request to a bind, any status counts. Used for AppStatus.healthy
// (with "workers are ready"), the UI's green state and /healthz on the metrics server.
// Wiring: `const { ok } = await checkListeners(settings.bind.map((b) => parseBind(b)!))`; healthy = workersReady && ok
// (checkListener does one bind). Cache the result for a second or two if many callers poll: each check is a real request
// that reaches the app (HEAD / by default, so the app must at least route it; any status is fine).
import { request } from 'node:http';
import type { Bind } from '../config/settings.js';

export interface ListenerCheckOptions {
  /** Default 1000 ms, for connect + response head together. */
  readonly timeoutMs?: number;
  /** Default 'HEAD'. */
  readonly method?: 'HEAD' | 'GET';
  /** Default '/'. */
  readonly path?: string;
}

export interface ListenerCheck {
  /** True when an HTTP response head arrived, whatever its status. */
  readonly ok: boolean;
  readonly status: number | null;
  /** Why not ok: "timeout after 1000 ms", "connect ECONNREFUSED 127.0.0.1:8000", … */
  readonly error: string | null;
  readonly elapsedMs: number;
}

/** Where to connect for a bind: a wildcard host means "any interface", so ask loopback. */
export function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

export function checkListener(bind: Bind, options: ListenerCheckOptions = {}): Promise<ListenerCheck> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const started = performance.now();
  const target =
    bind.kind === 'unix'
      ? { socketPath: bind.path, headers: { Host: 'localhost' } }
      : { host: connectHost(bind.host), port: bind.port, headers: { Host: bind.host.includes(':') ? `[${connectHost(bind.host)}]:${bind.port}` : `${connectHost(bind.host)}:${bind.port}` } };
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean, status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ok, status, error, elapsedMs: performance.now() - started });
    };
    const req = request(
      {
        ...target,
        method: options.method ?? 'HEAD',
        path: options.path ?? '/',
        agent: false, // a fresh connection: we are testing that the listener accepts, not a pooled socket
        headers: { ...target.headers, 'User-Agent': 'gantry-health', Connection: 'close' },
      },
      (res) => {
        res.resume();
        done(true, res.statusCode ?? null, null);
      },
    );
    // One timer for the whole exchange; socket timeouts would miss a listener that accepts and never answers.
    const timer = setTimeout(() => done(false, null, `timeout after ${timeoutMs} ms`), timeoutMs);
    req.on('error', (err) => done(false, null, err.message));
    req.end();
  });
}

/** Every bind in parallel; ok only when all of them answer (AppStatus.healthy wants "every listener answers"). */
export async function checkListeners(binds: readonly Bind[], options: ListenerCheckOptions = {}): Promise<{ ok: boolean; results: ListenerCheck[] }> {
  const results = await Promise.all(binds.map((b) => checkListener(b, options)));
  return { ok: results.length > 0 && results.every((r) => r.ok), results };
}
