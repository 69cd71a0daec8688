// Many requests down a few kept-alive connections, with bodies framed by Content-Length and by
// chunked encoding, small and past the socket buffers, some pipelined in pairs: every answer must
// belong to its request (a framing slip shows up as a mismatched or missing response).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection } from '../helpers/raw-http.js';

const SIZES = [0, 1, 1000, 70_000, 13];

function request(conn: number, i: number): { raw: Buffer; path: string; body: string } {
  const size = SIZES[i % SIZES.length]!;
  const body = `${conn}:${i}:`.padEnd(size, String.fromCharCode(97 + (i % 26))).slice(0, size);
  const path = `/c${conn}/r${i}`;
  if (i % 2 === 0) {
    return { raw: Buffer.from(`POST ${path} HTTP/1.1\r\nHost: ka\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1'), path, body };
  }
  // Chunked, split into pieces of up to 4000 bytes.
  const pieces: string[] = [];
  for (let p = 0; p < body.length; p += 4000) {
    const part = body.slice(p, p + 4000);
    pieces.push(`${part.length.toString(16)}\r\n${part}\r\n`);
  }
  return {
    raw: Buffer.from(`POST ${path} HTTP/1.1\r\nHost: ka\r\nTransfer-Encoding: chunked\r\n\r\n${pieces.join('')}0\r\n\r\n`, 'latin1'),
    path,
    body,
  };
}

describe('keep-alive: 10 connections x 60 requests', () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await startGantry({
      app: 'environ_echo:application',
      chdir: fixtureProject('echo'),
      python: SYSTEM_PYTHON,
      args: ['-w', '2', '--threads', '2', '--keep-alive', '30'],
    });
  });
  afterAll(async () => {
    expect((await server?.stop())?.code).toBe(0);
  });

  it('answers every request with its own path and body, in order', async () => {
    const perConnection = await Promise.all(
      Array.from({ length: 10 }, async (_, conn) => {
        const c = await RawConnection.connect(server.port);
        const seen: string[] = [];
        try {
          let answered = 0;
          for (let i = 0; i < 60; i += 2) {
            // Two at a time, pipelined.
            const a = request(conn, i);
            const b = request(conn, i + 1);
            await c.write(Buffer.concat([a.raw, b.raw]));
            const { responses } = await c.responses(answered + 2, [], 15_000);
            for (const [k, expected] of [a, b].entries()) {
              const r = responses[answered + k]!;
              const echo = JSON.parse(r.body.toString('utf8')) as { environ: { PATH_INFO: string }; body: string };
              seen.push(
                r.status === 200 && echo.environ.PATH_INFO === expected.path && echo.body === expected.body ? 'ok' : `bad ${expected.path}`,
              );
            }
            answered += 2;
          }
        } finally {
          c.destroy();
        }
        return seen;
      }),
    );
    expect(perConnection.flat().filter((s) => s !== 'ok')).toEqual([]);
    expect(perConnection.flat()).toHaveLength(600);
  });
});
