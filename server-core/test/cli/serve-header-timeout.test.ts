// --header-timeout through a real `gantry serve`: a client that sends an incomplete head gets 408 and the close
// after it (the slowloris defence); 0 means no limit, as documented — the same client is then still being
// waited for well past that time, and served once its head is complete.
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGantry } from '../helpers/gantry.js';
import { cliScope } from '../helpers/cli-scope.js';
import { FIXTURE_APPS } from '../runtime/harness.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const s = cliScope();
const defer = cleanupPerTest();

async function serve(headerTimeout: string): Promise<number> {
  const p = await startGantry({
    chdir: FIXTURE_APPS,
    python: 'python3',
    args: ['-w', '1', '--header-timeout', headerTimeout],
    app: 'basic:application',
  });
  s.proc = p;
  return p.port;
}

/** Opens a connection and sends the start of a head; `closed` settles with what came back when the server closes. */
async function partialHead(port: number): Promise<{ socket: Socket; got: () => string; closed: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  defer(() => socket.destroy());
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  const t0 = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - t0)));
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  return { socket, got: () => text, closed };
}

describe('--header-timeout', () => {
  it('an incomplete head gets 408 and the close after --header-timeout', async () => {
    const port = await serve('1');
    const c = await partialHead(port);
    const ms = await c.closed;
    expect(c.got()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThan(900);
  }, 30_000);

  it('0: no limit, the incomplete head is still waited for past the time 1 would have allowed', async () => {
    const port = await serve('0');
    const c = await partialHead(port);
    // Observing that nothing happens needs a span of time: 2.5 s, well past a 1 s limit and its check interval.
    const early = await Promise.race([c.closed.then(() => 'closed'), new Promise<string>((r) => setTimeout(() => r('open'), 2500))]);
    expect(early).toBe('open');
    c.socket.write('Connection: close\r\n\r\n');
    await c.closed;
    expect(c.got()).toMatch(/^HTTP\/1\.1 200 /);
  }, 30_000);
});
