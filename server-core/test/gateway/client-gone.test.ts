// A client that left is not served: a request waiting for a worker whose client reset the connection never
// runs, one running is aborted (FCGI_ABORT_REQUEST) — and a client that only shut down its sending side
// (a legitimate HTTP/1.1 half-close) still gets its response.
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { OutputLine } from '../../src/runtime/types.js';
import { fetchRaw } from './http-client.js';
import { parseResponses } from '../helpers/raw-http.js';
import { appPerTest, until, type Running } from '../runtime/harness.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const startApp = appPerTest();
const defer = cleanupPerTest();

async function rawGet(port: number, path: string): Promise<{ socket: Socket; reply: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  defer(() => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let got = Buffer.alloc(0);
  socket.on('data', (c: Buffer) => (got = Buffer.concat([got, c])));
  socket.on('error', () => {});
  const reply = new Promise<string>((resolve) =>
    socket.once('close', () => {
      const res = parseResponses(got, ['GET'], true).responses[0];
      resolve(res ? `${res.status} ${res.body.toString()}` : 'nothing');
    }),
  );
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  return { socket, reply };
}

/** Requests taken in but not yet answered, beside the one running: queued, or sent ahead to the worker. */
function waiting(a: Running): number {
  const m = a.runtime.metrics();
  return m.queueDepth + m.inFlight - 1;
}

describe('a client that left', () => {
  for (const depth of [1, 4]) {
    it(`is dropped from the queue; a half-closed one is still served (pipeline depth ${depth})`, async () => {
      const a = await startApp({ workers: 1, pipelineDepth: depth });
      const lines: OutputLine[] = [];
      a.runtime.on('output', (l) => lines.push(l));
      const busy = fetchRaw(`${a.url}/slow?ms=1500`);
      await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'the worker busy');
      const gone = await rawGet(a.port, '/spew?mb=0&end=ran-gone%0A');
      await until(() => waiting(a) === 1, 10_000, 'the request queued');
      gone.socket.resetAndDestroy();
      await until(() => a.access.some((e) => e.status === 499), 10_000, 'the reset seen');
      const before = waiting(a);
      const half = await rawGet(a.port, '/spew?mb=0&end=ran-half%0A');
      await until(() => waiting(a) > before, 10_000, 'the half-closed request queued');
      half.socket.end();
      expect((await busy).status).toBe(200);
      expect(await half.reply).toBe('200 ok');
      await until(() => lines.some((l) => l.text === 'ran-half'), 5000, 'the half-closed request run');
      expect(lines.some((l) => l.text === 'ran-gone')).toBe(false);
      expect(
        a.access
          .filter((e) => e.path === '/spew')
          .map((e) => e.status)
          .sort(),
      ).toEqual([200, 499]);
    }, 30_000);
  }

  it('is aborted while its request runs: the worker stops streaming and is free at once', async () => {
    const a = await startApp({ workers: 1 });
    // 200 pieces 50 ms apart: 10 s if nobody stops it.
    const running = await rawGet(a.port, '/numbered?size=10&n=200&sleep=50');
    await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'the request running');
    running.socket.resetAndDestroy();
    const t0 = performance.now();
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(5000);
    await until(() => a.access.some((e) => e.path === '/numbered'), 5000, 'its access entry');
    expect(a.access.find((e) => e.path === '/numbered')!.status).toBe(499);
  }, 30_000);
});
