// A graceful stop of `gantry serve --certfile --keyfile --http2` is bounded while node:http2 clients keep
// their sessions open, in single-process mode and with --gateway-processes 2 (issue #16): an idle session
// gets GOAWAY, an in-flight request on another session still finishes, and the process exits within
// --graceful-timeout plus a margin, never waiting for the client to close its connection.
import { connect, type ClientHttp2Session } from 'node:http2';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tlsFiles } from '../helpers/tls-files.js';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import type { StartedProcess } from '../helpers/process.js';
import { spawnGantryPerTest } from '../helpers/gantry.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { cleanupPerTest } from '../helpers/per-test.js';
import { FIXTURE_APPS } from '../runtime/harness.js';

const LISTENING = /Listening at: https:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;
const GRACEFUL_S = 2;
/** Past the graceful timeout: the primary's and the gateway processes' own teardown (workers, replies). */
const MARGIN_MS = 6_000;

function open(port: string, ca: Buffer): Promise<ClientHttp2Session> {
  const session = connect(`https://localhost:${port}`, { ca });
  // The server's GOAWAY and its cut at the deadline are what this test expects: never a test error.
  session.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

function get(session: ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    let status = 0;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
    req.on('error', reject);
    // Cut without an error of its own (the session destroyed under it): never a clean end.
    req.on('close', () => reject(new Error(`${path}: stream closed before its end`)));
    req.end();
  });
}

describe.each([
  ['single process', [] as string[]],
  ['--gateway-processes 2', ['--gateway-processes', '2']],
])('HTTP/2 sessions left open at SIGTERM (%s)', (_name, extra) => {
  const tempDir = tempDirPerTest();
  const spawnGantry = spawnGantryPerTest();
  const defer = cleanupPerTest();
  let proc: StartedProcess | undefined;

  const serve = async (): Promise<{ port: string; ca: Buffer }> => {
    const tmp = await tempDir();
    const { ca: caPath, cert, key } = await tlsFiles(tmp.path, ['localhost', '127.0.0.1']);
    proc = await spawnGantry({
      chdir: FIXTURE_APPS,
      python: SYSTEM_PYTHON,
      args: ['-w', '2', ...extra, '--graceful-timeout', String(GRACEFUL_S), '--certfile', cert, '--keyfile', key, '--http2'],
      app: 'conformance:application',
      ready: LISTENING,
    });
    return { port: proc.ready[1]!, ca: readFileSync(caPath) };
  };

  it('an in-flight request finishes, an idle session does not hold the stop, and the process exits within the graceful timeout', async () => {
    const { port, ca } = await serve();

    // Several idle sessions, so that with two gateway processes each is likely to hold one.
    for (let i = 0; i < 4; i++) {
      const idle = await open(port, ca);
      defer(() => idle.destroy());
      expect((await get(idle, '/')).status).toBe(200);
    }
    const busy = await open(port, ca);
    defer(() => busy.destroy());
    const inFlight = get(busy, `/slow?ms=${GRACEFUL_S * 500}`);
    await proc!.waitForOutput(/slow-start/, 10_000);

    const t0 = Date.now();
    const exit = await proc!.stop({ timeoutMs: GRACEFUL_S * 1000 + MARGIN_MS });
    const took = Date.now() - t0;
    expect(await inFlight).toEqual({ status: 200, body: 'slow done' });
    expect(exit.code).toBe(0);
    // Printed for the report: the exit time with sessions left open.
    console.log(`h2 shutdown (${_name}): exited ${took} ms after SIGTERM`);
  }, 60_000);

  it('a request still running at the graceful deadline is cut (5xx or a reset stream) and the process exits within the bound', async () => {
    const { port, ca } = await serve();
    const busy = await open(port, ca);
    defer(() => busy.destroy());
    // At the deadline the worker is stopped: the gateway answers 5xx, or the stream is cut; never the app's body.
    const cut = get(busy, `/slow?ms=${GRACEFUL_S * 1000 + MARGIN_MS * 2}`).then(
      (r) => (r.status >= 500 && r.body !== 'slow done' ? 'cut' : `finished ${r.status} ${r.body}`),
      () => 'cut',
    );
    await proc!.waitForOutput(/slow-start/, 10_000);
    const t0 = Date.now();
    await proc!.stop({ timeoutMs: GRACEFUL_S * 1000 + MARGIN_MS });
    const took = Date.now() - t0;
    expect(await cut).toBe('cut');
    console.log(`h2 shutdown at the deadline (${_name}): exited ${took} ms after SIGTERM`);
  }, 60_000);
});
