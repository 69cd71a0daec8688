// Request bodies are read whole before a worker is asked for (gateway/request-body-spool.ts): clients
// sending slowly hold no worker, and the time spent waiting for them does not count toward --timeout.
// Bigger bodies go through an unlinked temporary file and arrive intact; --stream-request-body opts out.
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchRaw } from './http-client.js';
import { parseResponses } from '../helpers/raw-http.js';
import { startApp, until, type Running } from '../runtime/harness.js';

let app: Running | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await app?.stop();
  app = null;
});

/** A POST whose head and first body byte are sent now; the rest when the test says. */
async function slowPost(port: number, path: string, total: number): Promise<{ finish(): Promise<string>; socket: Socket }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let got = Buffer.alloc(0);
  socket.on('data', (c: Buffer) => (got = Buffer.concat([got, c])));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\na`);
  return {
    socket,
    async finish() {
      socket.end('a'.repeat(total - 1));
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const [res] = parseResponses(got, ['POST'], true).responses.filter((r) => r.status >= 200);
      return `${res?.status} ${res?.body.toString()}`;
    },
  };
}

describe('request bodies', () => {
  for (const gatewayProcesses of [1, 2]) {
  it(`two clients sending a byte now and then do not hold the only worker (of each of ${gatewayProcesses} gateway processes)`, async () => {
    app = await startApp({ workers: gatewayProcesses, gatewayProcesses });
    const a = app;
    const slow = [await slowPost(a.port, '/count', 10), await slowPost(a.port, '/count', 10)];
    // Give the gateway every chance to hand them to the worker (it must not): one round trip each.
    expect((await fetchRaw(`${a.url}/`)).status).toBe(200);
    const t0 = performance.now();
    const r = await Promise.race([fetchRaw(`${a.url}/pid`), new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    expect(r?.status).toBe(200);
    console.log(`a normal request beside two stalled uploads: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(await slow[0]!.finish()).toBe('200 10');
    expect(await slow[1]!.finish()).toBe('200 10');
  }, 30_000);
  }

  it('time spent waiting for the body does not count toward --timeout', async () => {
    app = await startApp({ workers: 1, timeout: 1 });
    const a = app;
    const slow = await slowPost(a.port, '/count', 5);
    // Wait (on state) for the arbiter's timeout checks to have run past the 1 s timeout.
    const start = Date.now();
    await until(() => Date.now() - start > 1600, 5000, '1.6 s');
    expect(await slow.finish()).toBe('200 5');
    expect(a.events.some((e) => e.type === 'timeout')).toBe(false);
  }, 30_000);

  it('a body past the memory limit goes through a temporary file and arrives intact', async () => {
    app = await startApp({ workers: 1 });
    const body = Buffer.alloc(5 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
    const r = await fetchRaw(`${app.url}/echo`, { method: 'POST', body });
    expect(r.status).toBe(200);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    // Past --limit-request-body while buffering: 413 before any worker sees it.
    await app.stop();
    app = await startApp({ workers: 1, limitRequestBody: 1000 });
    const big = await fetchRaw(`${app.url}/count`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, body: Buffer.alloc(5000) });
    expect(big.status).toBe(413);
  }, 30_000);

  it('a body that cannot be buffered to disk gets 503 with Retry-After and a line in the log', async () => {
    app = await startApp({ workers: 1 });
    const a = app;
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/gantry-spool';
    try {
      const r = await fetchRaw(`${a.url}/count`, { method: 'POST', body: Buffer.alloc(3 * 1024 * 1024) });
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(a.runtime.logs.output.toArray().some((l) => l.text.includes('could not keep the request body'))).toBe(true);
    // A body that fits in memory needs no file.
    expect((await fetchRaw(`${a.url}/count`, { method: 'POST', body: Buffer.alloc(1000) })).text()).toBe('1000');
  }, 30_000);

  it('with --stream-request-body the worker reads the body as it arrives', async () => {
    app = await startApp({ workers: 1, streamRequestBody: true });
    const a = app;
    const slow = await slowPost(a.port, '/count', 10);
    // The request is running in the worker while its body is not all there.
    await until(() => a.runtime.workers().some((w) => w.current.length > 0), 10_000, 'the upload to reach the worker');
    expect(await slow.finish()).toBe('200 10');
  }, 30_000);
});
