// A stand-in for @gantry/server-core's public entry: a Host with one app and a control API that is a real
// loopback HTTP listener (it answers /api/health). Enough for main.ts's wiring, with no Python involved.
import http from 'node:http';

export function createHost() {
  const listeners = new Set();
  const app = { definition: { id: 'blog', name: 'Blog', folder: '/srv/blog' }, status: { state: 'stopped', urls: [], healthy: false } };
  const publish = (type, appId, data) => listeners.forEach((l) => l({ type, appId, data }));
  return Promise.resolve({
    token: 'smoke-token',
    hub: { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    listApps: () => [app],
    async start(id) {
      app.status = { state: 'running', urls: ['http://127.0.0.1:8123'], healthy: true };
      publish('status', id, app.status);
      // A crash right after start, so the notification path runs too.
      publish('app-event', id, { type: 'worker-exit', workerId: 1, pid: 4242, exit: { reason: 'crashed', code: null, signal: 'SIGSEGV' } });
    },
    async stop(id) {
      app.status = { state: 'stopped', urls: [], healthy: false };
      publish('status', id, app.status);
    },
    workers: () => [],
    async close() {
      globalThis.__fakeCoreClosed = true;
    },
  });
}

export async function startControlServer({ host, allowedOrigins }) {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, allowedOrigins }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, port, token: host.token, close: () => new Promise((r) => server.close(() => r())) };
}

export function defaultGantryHome(env = process.env) {
  return env.GANTRY_HOME || '/nonexistent/gantry-home';
}

export async function readRuntimeFile() {
  return null;
}

export async function writeRuntimeFile() {}

export async function removeRuntimeFile() {}

export async function writeFileAtomic(target, data) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(target, data, { mode: 0o600 });
}

export function contentTypeOf(file) {
  return (
    { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }[
      file.slice(file.lastIndexOf('.'))
    ] ?? 'application/octet-stream'
  );
}

// Pure helpers with no Host or Python behind them: the real ones, so the smoke test runs what ships.
// (hooks.mjs sends this file's own '@gantry/server-core' import to the real entry.)
export { contentSecurityPolicy, findOnPath, TIMED_OUT, within } from '@gantry/server-core';
