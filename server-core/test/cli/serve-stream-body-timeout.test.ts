// With --stream-request-body the worker reads the body as it arrives, so a client that stops sending
// mid-body holds that worker: --body-timeout (the idle time between two body reads) applies there too.
// The worker's request is aborted (FCGI_ABORT_REQUEST: its wsgi.input read raises, never a short read that
// would pass a truncated upload off as whole), the client gets 408 if nothing was sent yet, and the access
// log says so. Through a real `gantry serve`, real workers and a raw socket client.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGantry } from '../helpers/gantry.js';
import { cliScope } from '../helpers/cli-scope.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS } from '../runtime/harness.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const s = cliScope();
const defer = cleanupPerTest();

async function serve(extra: readonly string[], accessFormat = '%(s)s %(r)s'): Promise<number> {
  const p = await startGantry({
    chdir: FIXTURE_APPS,
    python: 'python3',
    args: ['--stream-request-body', '--body-timeout', '1', '--access-logfile', '-', '--access-logformat', accessFormat, ...extra],
    app: 'basic:application',
  });
  s.proc = p;
  return p.port;
}

/** Sends `head`, then `body`, then nothing; resolves with all the server sent once it closed (or null at the deadline). */
async function stall(port: number, head: string, body: string, deadlineMs = 15_000): Promise<{ text: string; ms: number } | null> {
  const socket = connect(port, '127.0.0.1');
  defer(() => socket.destroy());
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await new Promise<void>((resolve) => socket.write(head + body, () => resolve()));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), deadlineMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: performance.now() - t0 });
    });
  });
}

describe('--body-timeout with --stream-request-body', () => {
  for (const gatewayProcesses of [1, 2]) {
    it(`a client that stops mid-body gets 408, the worker's read is aborted and the worker is free again (${gatewayProcesses} gateway process${gatewayProcesses > 1 ? 'es' : ''})`, async () => {
      const port = await serve(['-w', String(gatewayProcesses), '--gateway-processes', String(gatewayProcesses)]);
      const got = await stall(port, 'POST /upload-report HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n', '12345');
      expect(got, 'the server never answered the stalled upload').not.toBeNull();
      expect(got!.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(got!.text).toMatch(/\r\nconnection: close\r\n/i);
      console.log(`stalled streaming upload answered 408 ${got!.ms.toFixed(0)} ms after its last byte`);
      // The app's read raised (the gateway aborted it); it did not see a short body as if it were whole.
      await s.proc!.waitForOutput(/upload-report: read \d+ bytes, then ClientDisconnected/, 10_000);
      expect(s.proc!.output()).not.toMatch(/upload-report: read \d+ bytes, then end/);
      await s.proc!.waitForOutput(/^408 POST \/upload-report HTTP\/1\.1$/m, 10_000);
      // Every worker is free: as many requests at once as there are workers all run.
      const rs = await Promise.all(
        Array.from({ length: gatewayProcesses * 2 }, () =>
          fetchRaw(`http://127.0.0.1:${port}/count`, { method: 'POST', body: Buffer.alloc(10) }),
        ),
      );
      expect(rs.map((r) => r.text())).toEqual(rs.map(() => '10'));
    }, 60_000);
  }

  it('a chunked body that stops is aborted the same way', async () => {
    const port = await serve(['-w', '1']);
    const got = await stall(port, 'POST /upload-report HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', '5\r\nabcde\r\n');
    expect(got?.text).toMatch(/^HTTP\/1\.1 408 /);
    await s.proc!.waitForOutput(/upload-report: read \d+ bytes, then ClientDisconnected/, 10_000);
    expect((await fetchRaw(`http://127.0.0.1:${port}/count`, { method: 'POST', body: Buffer.alloc(3) })).text()).toBe('3');
  }, 60_000);

  it('once the response has started, a stalled body cuts it and the access entry says so', async () => {
    const port = await serve(['-w', '1'], 'json');
    const got = await stall(port, 'POST /upload-report?early=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n', '12345');
    expect(got, 'the server never closed the stalled upload').not.toBeNull();
    // The head and first chunk went out; the chunked body never got its last chunk.
    expect(got!.text).toMatch(/^HTTP\/1\.1 200 /);
    expect(got!.text).toContain('started\n');
    expect(got!.text).not.toMatch(/\r\n0\r\n\r\n$/);
    await s.proc!.waitForOutput(/upload-report: read \d+ bytes, then ClientDisconnected/, 10_000);
    await s.proc!.waitForOutput(/request body timeout: the client sent nothing for 1 s after 5 body bytes/, 10_000);
    const entry = JSON.parse((await s.proc!.waitForOutput(/^\{.*"path":"\/upload-report".*\}$/m, 10_000))[0]) as {
      status: number;
      truncated?: boolean;
    };
    expect(entry).toMatchObject({ status: 200, truncated: true });
    expect((await fetchRaw(`http://127.0.0.1:${port}/count`, { method: 'POST', body: Buffer.alloc(3) })).text()).toBe('3');
  }, 60_000);
});
