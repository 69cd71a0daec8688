// Request bodies are read whole before a worker is asked for (gateway/request-body-spool.ts): clients
// sending slowly hold no worker, and the time spent waiting for them does not count toward --timeout.
// Bigger bodies go through an unlinked temporary file and arrive intact; --stream-request-body opts out.
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fetchRaw } from './http-client.js';
import { parseResponses } from '../helpers/raw-http.js';
import { appPerTest, until } from '../runtime/harness.js';
import { cleanupPerTest } from '../helpers/per-test.js';
import type { ExchangeContext } from '../../src/gateway/exchange.js';

/** Temporary body files this process holds open (they are unlinked at once, so only /proc sees them). */
function spoolFiles(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).includes('gantry-body-')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Sends a POST head and `sent` of its `total` body bytes, then nothing; resolves with what came back once the server closed. */
async function stalledPost(
  port: number,
  total: number,
  sent: number,
): Promise<{ socket: Socket; closed: Promise<{ text: string; ms: number }> }> {
  const socket = connect(port, '127.0.0.1');
  defer(() => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  socket.write(`POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
  await new Promise<void>((resolve) => socket.write(Buffer.alloc(sent, 'b'), () => resolve()));
  const t0 = performance.now();
  // The server ending its side is what releases the connection (the client would otherwise wait forever).
  const closed = new Promise<{ text: string; ms: number }>((resolve) =>
    socket.once('end', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: performance.now() - t0 })),
  );
  return { socket, closed };
}

const startApp = appPerTest();
const defer = cleanupPerTest();

/** A POST whose head and first body byte are sent now; the rest when the test says. */
async function slowPost(port: number, path: string, total: number): Promise<{ finish(): Promise<string>; socket: Socket }> {
  const socket = connect(port, '127.0.0.1');
  defer(() => socket.destroy());
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
      const a = await startApp({ workers: gatewayProcesses, gatewayProcesses });
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
    const a = await startApp({ workers: 1, timeout: 1 });
    const slow = await slowPost(a.port, '/count', 5);
    // Wait (on state) for the arbiter's timeout checks to have run past the 1 s timeout.
    const start = Date.now();
    await until(() => Date.now() - start > 1600, 5000, '1.6 s');
    expect(await slow.finish()).toBe('200 5');
    expect(a.events.some((e) => e.type === 'timeout')).toBe(false);
  }, 30_000);

  it('a body past the memory limit goes through a temporary file and arrives intact', async () => {
    const app = await startApp({ workers: 1 });
    const body = Buffer.alloc(5 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
    const r = await fetchRaw(`${app.url}/echo`, { method: 'POST', body });
    expect(r.status).toBe(200);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    // Past --limit-request-body while buffering: 413 before any worker sees it.
    await app.stop();
    const limited = await startApp({ workers: 1, limitRequestBody: 1000 });
    const big = await fetchRaw(`${limited.url}/count`, {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked' },
      body: Buffer.alloc(5000),
    });
    expect(big.status).toBe(413);
  }, 30_000);

  it('a body that cannot be buffered to disk gets 503 with Retry-After and a line in the log', async () => {
    const a = await startApp({ workers: 1 });
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
    expect(a.output.some((l) => l.text.includes('could not keep the request body'))).toBe(true);
    // A body that fits in memory needs no file.
    expect((await fetchRaw(`${a.url}/count`, { method: 'POST', body: Buffer.alloc(1000) })).text()).toBe('1000');
  }, 30_000);

  it('a client that stops sending mid-body gets 408 after --body-timeout; its socket, memory and temporary file are released', async () => {
    const a = await startApp({ workers: 1, bodyTimeout: 1 });
    const filesBefore = spoolFiles();
    // White-box: the app's pool of body memory (--body-buffer-memory).
    const bodyMemory = (a.runtime as unknown as { ctx: ExchangeContext }).ctx.bodyMemory;
    const memoryBefore = bodyMemory.used;
    // One stalls inside the 1 MiB kept in memory, one past it (in its temporary file).
    const inMemory = await stalledPost(a.port, 10_000, 5_000);
    const onDisk = await stalledPost(a.port, 3 * 1024 * 1024, 2 * 1024 * 1024);
    await until(() => spoolFiles() > filesBefore && bodyMemory.used >= memoryBefore + 5_000, 5_000, 'both bodies to be buffered');
    for (const c of [inMemory, onDisk]) {
      const { text, ms } = await c.closed;
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(text).toMatch(/\r\nconnection: close\r\n/i);
      console.log(`stalled upload answered 408 and closed ${ms.toFixed(0)} ms after its last byte`);
    }
    await until(
      () => spoolFiles() === filesBefore && bodyMemory.used === memoryBefore,
      5_000,
      'the temporary file and the memory to be released',
    );
    await until(() => a.access.filter((e) => e.status === 408).length === 2, 5_000, 'two 408 access entries');
    // The worker never saw them and is free.
    expect((await fetchRaw(`${a.url}/count`, { method: 'POST', body: Buffer.alloc(10) })).text()).toBe('10');
  }, 30_000);

  it('with --stream-request-body the worker reads the body as it arrives', async () => {
    const a = await startApp({ workers: 1, streamRequestBody: true });
    const slow = await slowPost(a.port, '/count', 10);
    // The request is running in the worker while its body is not all there.
    await until(() => a.runtime.workers().some((w) => w.current.length > 0), 10_000, 'the upload to reach the worker');
    expect(await slow.finish()).toBe('200 10');
  }, 30_000);

  for (const pipelineDepth of [1, 4]) {
    it(`with --stream-request-body, time spent queued behind a busy worker does not count toward --body-timeout (pipeline depth ${pipelineDepth})`, async () => {
      const a = await startApp({ workers: 1, pipelineDepth, streamRequestBody: true, bodyTimeout: 1 });
      const busy = fetchRaw(`${a.url}/slow?ms=2500`);
      await until(() => a.runtime.workers().some((w) => w.current.length > 0), 10_000, '/slow to run');
      // A whole body sent at once, then queued for 2.5 s, longer than --body-timeout: nobody read it meanwhile.
      const queued = fetchRaw(`${a.url}/upload-report`, { method: 'POST', body: Buffer.from('0123456789') });
      expect((await busy).status).toBe(200);
      const r = await queued;
      expect(`${r.status} ${r.text()}`).toBe('200 10');
    }, 30_000);
  }

  it('with --stream-request-body, time the worker is not reading (its socket full) does not count toward --body-timeout', async () => {
    const app = await startApp({ workers: 1, streamRequestBody: true, bodyTimeout: 1 });
    // 16 MiB sent at once to an app that reads nothing for 2.5 s: the client is not idle, we are.
    const body = Buffer.alloc(16 * 1024 * 1024, 'z');
    const r = await fetchRaw(`${app.url}/upload-report?wait=2500`, { method: 'POST', body });
    expect(`${r.status} ${r.text()}`).toBe(`200 ${body.length}`);
  }, 30_000);
});
