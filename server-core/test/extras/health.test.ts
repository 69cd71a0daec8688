// The metrics/health server, against real sockets on port 0. (Listener checks: test/host/port-probe.test.ts.)
import { describe, expect, it } from 'vitest';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMetricsServer } from '../../src/gateway/metrics-server.js';
import { isGantryError } from '../../src/errors.js';
import { AppMetrics } from '../../src/metrics/app-metrics.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const defer = cleanupPerTest();

async function httpServer(status: number): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['user-agent']}`);
    res.statusCode = status;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  defer(() => new Promise((r) => server.close(r)));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function get(url: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics server', () => {
  it('/metrics serves the provided Prometheus text with the right content type', async () => {
    const m = new AppMetrics({ app: 'demo' });
    m.record(200, 12, 1);
    const ms = await startMetricsServer({ bind: '127.0.0.1:0', metrics: () => m.prometheus(), health: () => true });
    defer(() => ms.close());
    expect(ms.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(`${ms.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.body).toContain('gantry_requests_total{app="demo",status_class="2xx"} 1');
    const h = await get(`${ms.url}/metrics`, 'HEAD');
    expect(h.status).toBe(200);
    expect(h.body).toBe('');
  });

  it('/healthz: 200 when healthy, 503 with a JSON reason when not; follows the provider live', async () => {
    let healthy = true;
    const ms = await startMetricsServer({
      bind: { kind: 'tcp', host: '127.0.0.1', port: 0 },
      metrics: () => '',
      health: async () => (healthy ? true : { healthy: false, reason: 'no ready workers', details: { ready: 0, wanted: 2 } }),
    });
    defer(() => ms.close());
    const ok = await get(`${ms.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ status: 'ok' });
    healthy = false;
    const bad = await get(`${ms.url}/healthz`);
    expect(bad.status).toBe(503);
    expect(bad.type).toBe('application/json');
    expect(JSON.parse(bad.body)).toEqual({ status: 'unhealthy', reason: 'no ready workers', details: { ready: 0, wanted: 2 } });
  });

  it('a plain false gives a generic reason; a throwing provider gives 500', async () => {
    const ms = await startMetricsServer({
      bind: '127.0.0.1:0',
      metrics: () => {
        throw new Error('boom');
      },
      health: () => false,
    });
    defer(() => ms.close());
    const r = await get(`${ms.url}/healthz`);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).reason).toBe('not healthy');
    const m = await get(`${ms.url}/metrics`);
    expect(m.status).toBe(500);
    expect(JSON.parse(m.body).reason).toBe('boom');
  });

  it('other paths 404, other methods 405', async () => {
    const ms = await startMetricsServer({ bind: '127.0.0.1:0', metrics: () => '', health: () => true });
    defer(() => ms.close());
    expect((await get(`${ms.url}/`)).status).toBe(404);
    expect((await get(`${ms.url}/metrics`, 'POST')).status).toBe(405);
  });

  it('a taken port rejects with GANTRY_ERR_PORT_IN_USE; a bad address with GANTRY_ERR_INVALID_CONFIG', async () => {
    const { port } = await httpServer(200);
    const err = await startMetricsServer({ bind: `127.0.0.1:${port}`, metrics: () => '', health: () => true }).catch((e: unknown) => e);
    expect(isGantryError(err, 'GANTRY_ERR_PORT_IN_USE')).toBe(true);
    const bad = await startMetricsServer({ bind: 'unix:', metrics: () => '', health: () => true }).catch((e: unknown) => e);
    expect(isGantryError(bad, 'GANTRY_ERR_INVALID_CONFIG')).toBe(true);
  });

  it('close() does not wait for kept-alive scrapers', async () => {
    const ms = await startMetricsServer({ bind: '127.0.0.1:0', metrics: () => 'x 1\n', health: () => true });
    const agent = new Agent({ keepAlive: true });
    defer(() => agent.destroy());
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${ms.url}/metrics`, { agent }, (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve(b));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('x 1\n');
    const t0 = performance.now();
    await ms.close();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
