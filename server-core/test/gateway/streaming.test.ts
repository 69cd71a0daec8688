// Back-pressure both ways (a big body never sits in the gateway's memory) and the bounded queue.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RawConnection } from '../helpers/raw-http.js';
import { appPerTest, appScope, until } from '../runtime/harness.js';
import { fetchRaw, uploadGenerated } from './http-client.js';

const MB = 1 << 20;

function heap(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

describe('streaming with back-pressure', () => {
  const app = appScope({ workers: 1, limitRequestBody: 0 });

  it('streams 200 MB to a slow reader without buffering it', async () => {
    const base = heap();
    let peak = 0;
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${app.url}/big?mb=200`, { agent: false }, (res) => {
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          peak = Math.max(peak, heap() - base);
          // A reader slower than the worker: the gateway must pause the worker, not queue the body.
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toBe(200 * MB);
    expect(peak).toBeLessThan(64 * MB);
  }, 120_000);

  for (const cl of ['1', '0']) {
    it(`a slow reader gets every byte in place (${cl === '1' ? 'Content-Length' : 'chunked'}): pieces held for the client never see the next worker read`, async () => {
      const size = 50_000;
      const n = 600;
      const pat = Buffer.from(Array.from({ length: 251 * (Math.ceil(size / 251) + 2) }, (_, i) => i % 251));
      const want = createHash('sha256');
      for (let k = 0; k < n; k++) want.update(pat.subarray((k * size) % 251, ((k * size) % 251) + size));
      const got = createHash('sha256');
      let received = 0;
      let reads = 0;
      await new Promise<void>((resolve, reject) => {
        const req = request(`${app.url}/numbered?size=${size}&n=${n}&cl=${cl}`, { agent: false }, (res) => {
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            got.update(chunk);
            // Now and then slower than the worker, so the gateway's writes to the client are left half done.
            if (++reads % 8 === 0) {
              res.pause();
              setTimeout(() => res.resume(), 2);
            }
          });
          res.on('end', resolve);
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
      expect(received).toBe(size * n);
      expect(got.digest('hex')).toBe(want.digest('hex'));
    }, 60_000);
  }

  it('a client that stops reading, with a tiny receive buffer, gets small pieces held in the gateway intact', async () => {
    // Small pieces one per worker read, while the client's socket is full: writes of less than node's 16 KiB
    // mark stay half done in the gateway without a pause of the worker, and its next read must not land
    // in their bytes.
    const size = 3000;
    const n = 800;
    const pat = Buffer.from(Array.from({ length: 251 * (Math.ceil(size / 251) + 2) }, (_, i) => i % 251));
    const want = createHash('sha256');
    for (let k = 0; k < n; k++) want.update(pat.subarray((k * size) % 251, ((k * size) % 251) + size));
    const { port } = new URL(app.url);
    const client = `
import hashlib, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.connect(('127.0.0.1', ${port}))
s.sendall(b'GET /numbered?size=${size}&n=${n}&sleep=0.2 HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n')
time.sleep(0.6)
data = b''
while True:
    d = s.recv(1024)
    if not d:
        break
    data += d
    if len(data) < 200000:
        time.sleep(0.001)
body = data.split(b'\\r\\n\\r\\n', 1)[1]
print(len(body), hashlib.sha256(body).hexdigest())
`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', client], { timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out.trim()).toBe(`${size * n} ${want.digest('hex')}`);
  }, 60_000);

  it('streams a 100 MB upload to the app without buffering it', async () => {
    const base = heap();
    let peak = 0;
    const total = 100 * MB;
    const body = await uploadGenerated(`${app.url}/count`, total, () => {
      peak = Math.max(peak, heap() - base);
    });
    expect(body).toBe(String(total));
    expect(peak).toBeLessThan(64 * MB);
  }, 120_000);
});

describe('client going away', () => {
  const startAppForTest = appPerTest();

  it('aborts the worker request when the client leaves mid-download, freeing the worker', async () => {
    const a = await startAppForTest({ workers: 1 });
    await new Promise<void>((resolve, reject) => {
      const req = request(`${a.url}/big?mb=500`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.end();
      setTimeout(() => reject(new Error('no data')), 10_000).unref();
    });
    // One worker, one slot: this only answers once the aborted request let go of it.
    const r = await fetchRaw(`${a.url}/`);
    expect(r.status).toBe(200);
    await until(() => a.access.some((e) => e.path === '/big'), 5000, 'access entry for the aborted request');
    expect(a.access.find((e) => e.path === '/big')!.bytes).toBeLessThan(500 * MB);
    expect(a.runtime.workers()[0]!.restarts).toBe(0);
  });
});

describe('worker connection reuse', () => {
  const startAppForTest = appPerTest();

  it('a body the app never reads does not stall the keep-alive connection', async () => {
    const app = await startAppForTest({ workers: 1, limitRequestBody: 0 });
    const c = await RawConnection.connect(app.port);
    try {
      const size = 8 * MB;
      await c.write(`POST / HTTP/1.1\r\nHost: c\r\nContent-Length: ${size}\r\n\r\n`);
      const block = Buffer.alloc(MB, 0x62);
      for (let i = 0; i < 8; i++) await c.write(block);
      await c.write('GET /pid HTTP/1.1\r\nHost: c\r\n\r\n');
      const { responses } = await c.responses(2, [], 20_000);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(responses[0]!.body.toString()).toBe('hello world\n');
    } finally {
      c.destroy();
    }
  });

  it('a worker connection paused by a slow client reads again for the next request', async () => {
    const app = await startAppForTest({ workers: 1, threads: 2 });
    const c = await RawConnection.connect(app.port);
    try {
      const big = Array.from({ length: 20 }, (_, i) => `X-Big-${i}: ${'b'.repeat(4000)}\r\n`).join('');
      await c.write(`GET /environ HTTP/1.1\r\nHost: c\r\n${big}\r\n`);
      await c.responses(1);
      await c.write('GET /environ HTTP/1.1\r\nHost: c\r\n\r\n');
      const { responses } = await c.responses(2);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
    } finally {
      c.destroy();
    }
  });
});

describe('queue', () => {
  const startAppForTest = appPerTest();

  it('queues up to max-queue, then answers 503 with Retry-After', async () => {
    const a = await startAppForTest({ workers: 1, maxQueue: 1 });
    const first = fetchRaw(`${a.url}/slow?ms=1500`);
    await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'first request in flight');
    const second = fetchRaw(`${a.url}/pid`);
    await until(() => a.runtime.metrics().queueDepth === 1, 10_000, 'second request queued');
    const third = await fetchRaw(`${a.url}/pid`);
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('1');
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // An access entry is recorded when the response finishes on the server, which can be just after the
    // client has read it: wait for the three, then check them.
    await until(() => a.access.length === 3, 10_000, 'three access entries');
    expect(a.access.map((e) => e.status).sort()).toEqual([200, 200, 503]);
  });
});
