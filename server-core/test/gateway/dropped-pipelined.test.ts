// A request pipelined behind a response that closes the connection is never answered, and it gets no
// access entry, whoever would have answered it (the app, a gateway refusal, a static file): like nginx and
// gunicorn, which never read past the request whose response closes the connection, so nothing is logged
// for what was behind it. The log then lists exactly the responses that went out.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection } from '../helpers/raw-http.js';

const APPS = join(SERVER_CORE_DIR, 'test', 'fixtures', 'apps');

describe('requests dropped behind a closing response get no access entry', () => {
  let server: HttpServer;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-dropped-'));
  beforeAll(async () => {
    mkdirSync(join(dir, 'pub'));
    writeFileSync(join(dir, 'pub', 'a.txt'), 'static text');
    server = await startGantry({
      app: 'misbehave:application',
      chdir: APPS,
      python: SYSTEM_PYTHON,
      args: [
        '-w',
        '2',
        '--threads',
        '2',
        '--keep-alive',
        '30',
        '--static',
        `/files=${join(dir, 'pub')}`,
        '--access-logfile',
        '-',
        '--access-logformat',
        'json',
      ],
    });
  });
  afterAll(async () => {
    expect((await server?.stop())?.code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  let seq = 0;
  const behind = (rid: string): Record<string, string> => ({
    app: `GET /ok?${rid} HTTP/1.1\r\nHost: t\r\nX-Request-ID: ${rid}\r\n\r\n`,
    // Transfer-Encoding on HTTP/1.0: refused by the gateway before dispatch (its entry names the path).
    refused: `POST /refused-${rid} HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\nX-Request-ID: ${rid}\r\n\r\n0\r\n\r\n`,
    static: `GET /files/a.txt?${rid} HTTP/1.1\r\nHost: t\r\nX-Request-ID: ${rid}\r\n\r\n`,
  });
  const closers: Record<string, (rid: string) => string> = {
    // Known to close as soon as it is parsed.
    "the client's Connection: close": (rid) => `GET /ok HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-ID: ${rid}\r\n\r\n`,
    'a gateway refusal': (rid) =>
      `POST /refused-${rid} HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\nX-Request-ID: ${rid}\r\n\r\n0\r\n\r\n`,
    // Known to close only when the app's response ends short.
    'a cut response': (rid) => `GET /under/list HTTP/1.1\r\nHost: t\r\nX-Request-ID: ${rid}\r\n\r\n`,
  };

  for (const [closer, first] of Object.entries(closers)) {
    it.each(['app', 'refused', 'static'])(`behind ${closer}: a request the %s path would answer is dropped, unlogged`, async (kind) => {
      const rid = `dp-${process.pid}-${++seq}`;
      const c = await RawConnection.connect(server.port);
      try {
        await c.write(first(rid) + behind(`${rid}-behind`)[kind]!);
        expect(await c.waitForClose()).toBe(true);
        expect(c.received.toString('latin1')).not.toContain(`${rid}-behind`);
      } finally {
        c.destroy();
      }
      await server.waitForOutput(new RegExp(`"request_id":"${rid}"`), 10_000);
      // A later request's entry is the witness that anything logged for the dropped one would be out by now.
      const w = await RawConnection.connect(server.port);
      await w.write(`GET /ok HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Request-ID: ${rid}-witness\r\n\r\n`);
      await w.waitForClose();
      w.destroy();
      await server.waitForOutput(new RegExp(`"request_id":"${rid}-witness"`), 10_000);
      // The request id, the path or the query: whichever the entry would name.
      expect(server.output()).not.toContain(`${rid}-behind`);
    });
  }
});
