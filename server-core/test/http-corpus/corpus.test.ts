// Sends every raw request of the corpus (valid/ and invalid/) over a socket to one running
// `gantry serve` with the environ-echo app, checks the statuses (and for valid requests what the app
// saw), whether the connection was kept or closed, and that the server still answers a normal
// request on a fresh connection afterwards.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection } from '../helpers/raw-http.js';
import { loadCorpus } from './corpus.js';
import { exchange, judge, startReferenceGunicorn } from './corpus-runner.js';

interface Echo {
  environ: Record<string, unknown>;
  body: string;
  body_length: number;
}

// GANTRY_CORPUS_REFERENCE=gunicorn points the same corpus at Debian's gunicorn, to see how the
// reference server fares (it is more lenient: several invalid cases pass there).
const REFERENCE = process.env.GANTRY_CORPUS_REFERENCE === 'gunicorn';

// Every rule must hold with one gateway process and with several (connections dealt to gateway processes).
const CONFIGS: ReadonlyArray<readonly [string, readonly string[]]> = REFERENCE
  ? [['gunicorn', []]]
  : [
      ['one gateway process', []],
      ['--gateway-processes 2', ['--gateway-processes', '2']],
    ];

for (const [label, extraArgs] of CONFIGS) {
  describe(label, () => {
    let server: HttpServer;
    // Where the echo app notes each call (ECHO_CALLS): an invalid request must never be one of them.
    const callsDir = mkdtempSync(join(tmpdir(), 'gantry-corpus-'));
    const CALLS = join(callsDir, 'calls');
    function appCalls(): string[] {
      if (!existsSync(CALLS)) return [];
      // The probes this test adds itself are not the case's requests.
      return readFileSync(CALLS, 'latin1')
        .split('\n')
        .filter((l) => l !== '' && !/ \/(__same_connection|health\/)/.test(l));
    }
    beforeAll(async () => {
      if (REFERENCE) {
        server = await startReferenceGunicorn();
        return;
      }
      server = await startGantry({
        app: 'environ_echo:application',
        chdir: fixtureProject('echo'),
        python: SYSTEM_PYTHON,
        // A long keep-alive: a close seen here is the server's decision, not an idle timeout.
        // Short header timeout and a 1 MiB body limit so invalid/039-041 can test them quickly.
        args: [
          '-w',
          '2',
          '--threads',
          '2',
          '--keep-alive',
          '30',
          '--header-timeout',
          '2',
          '--limit-request-body',
          '1048576',
          '-e',
          `ECHO_CALLS=${CALLS}`,
          ...extraArgs,
        ],
      });
    });
    afterAll(async () => {
      const exit = await server?.stop();
      rmSync(callsDir, { recursive: true, force: true });
      expect(exit?.code).toBe(0);
    });

    async function expectServerHealthy(tag: string): Promise<void> {
      const conn = await RawConnection.connect(server.port);
      try {
        await conn.write(`GET /health/${tag} HTTP/1.1\r\nHost: corpus\r\nConnection: close\r\n\r\n`);
        const { responses } = await conn.responses(1, [], 10_000);
        expect(
          responses.map((r) => r.status),
          'a normal request after the case',
        ).toEqual([200]);
        expect((JSON.parse(responses[0]!.body.toString()) as Echo).environ.PATH_INFO).toBe(`/health/${tag}`);
      } finally {
        conn.destroy();
      }
    }

    for (const dir of ['valid', 'invalid'] as const) {
      describe(`http-corpus ${dir}/ (${label})`, () => {
        for (const c of loadCorpus(dir)) {
          it(`${c.id}: ${c.description}`, async () => {
            const callsBefore = appCalls().length;
            const { finals, closed, interim } = await exchange(server.port, c);
            if (c.interaction === 'expect-100') expect(interim.map((r) => r.status)).toEqual([100]);
            if (c.interim)
              expect(
                interim.map((r) => r.status),
                'interim responses',
              ).toEqual(c.interim);
            const verdict = judge(c, finals, closed);
            expect(verdict.why, `${c.id} (${c.description})`).toEqual([]);
            expect(verdict.ok).toBe(true);
            await expectServerHealthy(c.id.replace('/', '-'));
            if (dir === 'invalid' && !REFERENCE) {
              // The app ran exactly for the requests it answered (a good one pipelined before the bad one):
              // bodies are read whole before dispatch, so even an error inside the chunks never reaches it.
              const calls = appCalls().slice(callsBefore);
              const answered = finals.filter((r) => r.status >= 200 && r.status < 300).length;
              expect(calls, 'requests that reached the app').toHaveLength(answered);
            }
          });
        }
      });
    }
  });
}
