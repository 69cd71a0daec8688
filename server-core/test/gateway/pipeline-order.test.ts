// RFC 9112 §9.3.2: pipelined requests with unsafe methods are not run in parallel. A POST that holds its
// worker (until the test releases it) has a GET pipelined behind it, on a server with free workers: the
// GET must not reach the app until the POST has finished. A request on another connection, answered
// while the POST still waits, is the witness: on the app's call list it must come before the GET.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection } from '../helpers/raw-http.js';

const APPS = join(SERVER_CORE_DIR, 'test', 'fixtures', 'apps');

describe.each([
  ['one gateway process', ['-w', '2', '--threads', '4']],
  ['--gateway-processes 2', ['-w', '2', '--threads', '4', '--gateway-processes', '2']],
])('pipelined unsafe requests run one at a time (%s)', (_label, args) => {
  let server: HttpServer;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-order-'));
  const calls = (): string[] =>
    existsSync(join(dir, 'called')) ? readFileSync(join(dir, 'called'), 'latin1').split('\n').filter(Boolean) : [];
  beforeAll(async () => {
    server = await startGantry({
      app: 'misbehave:application',
      chdir: APPS,
      python: SYSTEM_PYTHON,
      args: [...args, '--keep-alive', '30', '-e', `MISBEHAVE_MARKS=${dir}`],
    });
  });
  afterAll(async () => {
    expect((await server?.stop())?.code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('a GET pipelined behind a %s waits for it', async (method) => {
    const gate = join(dir, `gate-${method}`);
    const tag = method.toLowerCase();
    const c = await RawConnection.connect(server.port);
    try {
      await c.write(
        `${method} /block?gate=${gate}&t=${tag} HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\nGET /after-${tag} HTTP/1.1\r\nHost: t\r\n\r\n`,
      );
      await waitUntil(() => calls().some((l) => l.startsWith(`${method} /block`)));
      // Another client, served while the POST still holds its worker.
      const w = await RawConnection.connect(server.port);
      await w.write(`GET /witness-${tag} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      expect((await w.responses(1)).responses[0]!.status).toBe(200);
      w.destroy();
      writeFileSync(gate, '');
      const { responses } = await c.responses(2, [method, 'GET']);
      expect(responses.map((r) => r.body.toString())).toEqual(['blocked', `ok /after-${tag}`]);
      const order = calls()
        .filter((l) => l.includes(`-${tag}`) || l.includes(`t=${tag}`))
        .map((l) => l.split(' ')[1]!.split('?')[0]);
      expect(order).toEqual(['/block', `/witness-${tag}`, `/after-${tag}`]);
    } finally {
      c.destroy();
    }
  });

  it('safe requests pipelined behind a safe one still overlap', async () => {
    const gate = join(dir, 'gate-get');
    const c = await RawConnection.connect(server.port);
    try {
      await c.write(`GET /block?gate=${gate}&t=get HTTP/1.1\r\nHost: t\r\n\r\nGET /after-get HTTP/1.1\r\nHost: t\r\n\r\n`);
      // The second GET reaches the app while the first is still held.
      await waitUntil(() => calls().some((l) => l.startsWith('GET /after-get')));
      writeFileSync(gate, '');
      const { responses } = await c.responses(2);
      expect(responses.map((r) => r.body.toString())).toEqual(['blocked', 'ok /after-get']);
    } finally {
      c.destroy();
    }
  });
});

/** Polls a file-backed condition (the app's call list) until it holds, or fails after 10 s. */
async function waitUntil(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
