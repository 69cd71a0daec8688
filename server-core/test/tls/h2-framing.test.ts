// The app's Content-Length over HTTP/2 (`gantry serve --certfile --keyfile --http2`), driven by the app that
// misbehaves on purpose (fixtures/apps/misbehave.py), with node:http2 and curl as clients: never more bytes
// than declared reach the client, and a short body resets the stream (RST_STREAM) so the client can tell it
// is incomplete, while the connection's other streams go on. The access entry says truncated.
import { execFile } from 'node:child_process';
import { connect, type ClientHttp2Session } from 'node:http2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsFiles } from '../helpers/tls-files.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import type { StartedProcess } from '../helpers/process.js';
import { spawnGantry } from '../helpers/gantry.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { requireTool } from '../helpers/tools.js';

const run = promisify(execFile);
const curl = requireTool('curl', 'apt curl');
const APPS = join(SERVER_CORE_DIR, 'test', 'fixtures', 'apps');
const LISTENING = /Listening at: https:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;

interface H2Outcome {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
  /** The stream ended with END_STREAM (complete), or was reset (the RST_STREAM code). */
  readonly ended: boolean;
  readonly rstCode: number;
}

function h2Get(session: ClientHttp2Session, path: string, rid: string): Promise<H2Outcome> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, 'x-request-id': rid });
    let status = 0;
    let headers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    let ended = false;
    req.on('response', (h) => {
      status = Number(h[':status']);
      headers = h;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      ended = true;
    });
    // 'close' comes after 'end' or after the reset; an RST_STREAM from the server surfaces as an error.
    req.on('error', () => undefined);
    req.on('close', () =>
      resolve({ status, headers, body: Buffer.concat(chunks).toString('latin1'), ended: ended && req.rstCode === 0, rstCode: req.rstCode }),
    );
    req.on('aborted', () => undefined);
    req.end();
    req.setTimeout(15_000, () => reject(new Error(`no answer to ${path} over h2`)));
  });
}

describe.skipIf(!curl.path)("the app's Content-Length over HTTP/2", () => {
  let tmp: TempDir;
  let proc: StartedProcess;
  let ca: string;
  let port: string;
  let session: ClientHttp2Session;

  beforeAll(async () => {
    tmp = await makeTempDir();
    const { ca: caPath, cert, key } = await tlsFiles(tmp.path, ['localhost', '127.0.0.1']);
    ca = caPath;
    proc = await spawnGantry({
      chdir: APPS,
      python: SYSTEM_PYTHON,
      args: ['-w', '2', '--certfile', cert, '--keyfile', key, '--http2', '--access-logfile', '-', '--access-logformat', 'json'],
      app: 'misbehave:application',
      ready: LISTENING,
    });
    port = proc.ready[1]!;
    session = connect(`https://localhost:${port}`, { ca: readFileSync(ca) });
    await new Promise<void>((resolve, reject) => {
      session.once('connect', () => resolve());
      session.once('error', reject);
    });
  });
  afterAll(async () => {
    session?.close();
    await proc?.stop();
    await tmp?.remove();
  });

  let seq = 0;
  const rid = (): string => `h2f-${process.pid}-${++seq}`;
  const accessEntry = async (id: string): Promise<Record<string, unknown>> => {
    const m = await proc.waitForOutput(new RegExp(`\\{[^\\n]*"request_id":"${id}"[^\\n]*\\}`), 10_000);
    return JSON.parse(m[0]) as Record<string, unknown>;
  };

  it.each(['/over/list', '/over/gen', '/over/write', '/over/file'])(
    '%s: exactly the declared 5 bytes reach the client, the extra never',
    async (path) => {
      const id = rid();
      const o = await h2Get(session, path, id);
      expect(o.status).toBe(200);
      expect(o.headers['content-length']).toBe('5');
      expect(o.body).toBe('hello');
      expect(o.body).not.toContain('EXTRA');
      await proc.waitForOutput(new RegExp(`\\[${id}\\].*app error: .*more than its Content-Length \\(5\\)`), 10_000);
      // The shared connection still serves the next stream.
      const ok = await h2Get(session, '/ok', rid());
      expect([ok.status, ok.body, ok.ended]).toEqual([200, 'ok /ok', true]);
    },
  );

  it.each(['/under/list', '/under/gen', '/under/write', '/under/file'])(
    '%s: the short body, then the stream is reset (never a clean end); the access entry says truncated',
    async (path) => {
      const id = rid();
      const o = await h2Get(session, path, id);
      expect(o.status).toBe(200);
      expect(o.headers['content-length']).toBe('10');
      expect(o.body).toBe('hello');
      expect(o.ended).toBe(false);
      expect(o.rstCode).not.toBe(0);
      const entry = await accessEntry(id);
      expect(entry.truncated).toBe(true);
      expect(entry.bytes).toBe(5);
      // Only the stream was reset: the connection the other streams share goes on.
      const ok = await h2Get(session, '/ok', rid());
      expect([ok.status, ok.body, ok.ended]).toEqual([200, 'ok /ok', true]);
    },
  );

  it('curl --http2 --cacert: an over-long body gives exactly the declared bytes; a short one is an error to curl', async () => {
    const over = await run(curl.path!, ['-sS', '--http2', '--cacert', ca, `https://localhost:${port}/over/list`]);
    expect(over.stdout).toBe('hello');
    const under = await run(curl.path!, ['-sS', '--http2', '--cacert', ca, `https://localhost:${port}/under/list`]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    // curl exits non-zero on a stream reset / short body (92: HTTP/2 stream error, 18: partial file).
    expect(under.code).not.toBe(0);
    expect(under.stderr).toMatch(/HTTP\/2|stream|partial|transfer closed/i);
  });
});
