// The multi-core gateway as the Host drives it (createAppRuntime with gatewayProcesses > 1): the AppRuntime
// interface answers from the primary — state and health, global worker ids, metrics from every request, the
// request drawer's headers — while the requests are served by the gateway processes. Real processes.
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withHeaderView } from '../../src/logging/header-keeper.js';
import { globalWorkerId, localWorkerId, shardOf, shareOf } from '../../src/runtime/shard-protocol.js';
import { fetchRaw } from '../gateway/http-client.js';
import { assertGantryBuilt } from '../helpers/paths.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { alive, appPerTest, until } from './harness.js';

const tempDir = tempDirPerTest();
const startApp = appPerTest();

beforeAll(() => {
  // The gateway processes run the compiled shard entry.
  assertGantryBuilt();
});

describe('worker ids across gateway processes', () => {
  it('deals global ids round robin and maps them both ways', () => {
    for (const count of [1, 2, 3, 4]) {
      for (let workers = count; workers <= 9; workers++) {
        let total = 0;
        for (let shard = 0; shard < count; shard++) {
          const share = shareOf(workers, shard, count);
          total += share;
          for (let local = 1; local <= share; local++) {
            const id = globalWorkerId(local, shard, count);
            expect(id).toBeLessThanOrEqual(workers);
            expect(shardOf(id, count)).toBe(shard);
            expect(localWorkerId(id, count)).toBe(local);
          }
        }
        expect(total).toBe(workers);
      }
    }
    expect(shareOf(5, 0, 2)).toBe(3);
    expect(shareOf(5, 1, 2)).toBe(2);
  });
});

describe('createAppRuntime with gatewayProcesses 2', () => {
  it('is healthy only once running; workers, metrics and kept headers come through the primary', async () => {
    const app = await startApp({ app: 'conformance:application', workers: 4, gatewayProcesses: 2 });
    const rt = app.runtime;
    await until(() => rt.status().healthy, 10_000, 'healthy');
    await until(() => rt.workers().length === 4, 10_000, 'worker snapshots');
    expect(rt.workers().map((w) => w.id)).toEqual([1, 2, 3, 4]);
    const pids = new Set(rt.workers().map((w) => w.pid));
    expect(pids.size).toBe(4);

    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        fetchRaw(`${app.url}/pid`, { headers: { 'X-Request-ID': `sh-${i}`, 'X-Secret-Token': 'hunter2', 'X-Plain': 'visible' } }),
      ),
    );
    for (const r of replies) expect(pids.has(Number(r.text()))).toBe(true);
    await until(() => app.access.length >= 16, 5_000, 'access entries');
    const entry = app.access.find((a) => a.requestId === 'sh-3')!;
    expect(entry.status).toBe(200);
    expect(rt.workers().find((w) => w.id === entry.workerId)?.pid).toBe(entry.workerPid);
    // The drawer's headers crossed from the gateway process, and are masked on the way out.
    const view = withHeaderView(entry);
    expect(view.requestHeaders?.['X-Plain']).toBe('visible');
    expect(view.requestHeaders?.['X-Secret-Token']).toBe('••••');
    expect(rt.metrics().requests).toBeGreaterThanOrEqual(16);
    expect(rt.prometheus()).toMatch(/gantry_requests_total\{[^}]*\} \d+/);

    await app.stop();
    expect(rt.status().state).toBe('stopped');
    expect(rt.status().healthy).toBe(false);
    for (const pid of pids) expect(alive(pid!)).toBe(false);
  }, 60_000);

  it('restartWorker(id) restarts that worker in the gateway process that owns it', async () => {
    const app = await startApp({ app: 'conformance:application', workers: 2, gatewayProcesses: 2 });
    const rt = app.runtime;
    await until(() => rt.workers().length === 2, 10_000, 'worker snapshots');
    const before = rt.workers().find((w) => w.id === 2)!.pid!;
    await rt.restartWorker(2);
    await until(
      () => rt.workers().some((w) => w.id === 2 && w.pid !== before && w.state !== 'exited' && w.state !== 'stopping'),
      15_000,
      'worker 2 replaced',
    );
    expect(rt.workers().find((w) => w.id === 1)?.restarts ?? 0).toBe(0);
    await expect(rt.restartWorker(7)).rejects.toMatchObject({ code: 'GANTRY_ERR_APP_STATE' });
  }, 60_000);

  it('serves a unix socket bind, and a taken port fails the start with the port named', async () => {
    const tmp = await tempDir();
    const path = join(tmp.path, 'app.sock');
    const app = await startApp({ app: 'conformance:application', workers: 2, gatewayProcesses: 2, bind: [`unix:${path}`] });
    expect(app.runtime.status().urls).toEqual([`unix:${path}`]);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = createConnection(path);
      let out = '';
      socket.on('data', (d) => (out += d.toString()));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
      socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toMatch(/hello conformance/);

    const taken = await startApp({ app: 'conformance:application', workers: 1 });
    await expect(
      startApp({ app: 'conformance:application', workers: 2, gatewayProcesses: 2, bind: [`127.0.0.1:${taken.port}`] }),
    ).rejects.toMatchObject({ code: 'GANTRY_ERR_PORT_IN_USE' });
  }, 60_000);
});
