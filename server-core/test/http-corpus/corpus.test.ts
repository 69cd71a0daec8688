// Sends every raw request of the corpus (valid/ and invalid/) over a socket to one running
// `gantry serve` with the environ-echo app, checks the statuses (and for valid requests what the app
// saw), whether the connection was kept or closed, and that the server still answers a normal
// request on a fresh connection afterwards.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { startGunicorn } from '../helpers/gunicorn.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { RawConnection, type RawResponse } from '../helpers/raw-http.js';
import { loadCorpus, type CorpusCase, type ExpectedResponse, type Outcome } from './corpus.js';

interface Echo {
  environ: Record<string, unknown>;
  body: string;
  body_length: number;
}

// GANTRY_CORPUS_REFERENCE=gunicorn points the same corpus at Debian's gunicorn, to see how the
// reference server fares (it is more lenient: several invalid cases pass there).
const REFERENCE = process.env.GANTRY_CORPUS_REFERENCE === 'gunicorn';

let server: HttpServer;
// Where the echo app notes each call (ECHO_CALLS): an invalid request must never be one of them.
const callsDir = mkdtempSync(join(tmpdir(), 'gantry-corpus-'));
const CALLS = join(callsDir, 'calls');
function appCalls(): string[] {
  if (!existsSync(CALLS)) return [];
  // The probes this test adds itself are not the case's requests.
  return readFileSync(CALLS, 'latin1').split('\n').filter((l) => l !== '' && !/ \/(__same_connection|health\/)/.test(l));
}
beforeAll(async () => {
  if (REFERENCE) {
    server = await startGunicorn({ app: 'environ_echo:application', chdir: fixtureProject('echo'), workers: 2, threads: 2, workerClass: 'gthread', args: ['--keep-alive', '30'] });
    return;
  }
  server = await startGantry({
    app: 'environ_echo:application',
    chdir: fixtureProject('echo'),
    python: SYSTEM_PYTHON,
    // A long keep-alive: a close seen here is the server's decision, not an idle timeout.
    // Short header timeout and a 1 MiB body limit so invalid/039-041 can test them quickly.
    args: ['-w', '2', '--threads', '2', '--keep-alive', '30', '--header-timeout', '2', '--limit-request-body', '1048576', '-e', `ECHO_CALLS=${CALLS}`],
  });
});
afterAll(async () => {
  const exit = await server?.stop();
  rmSync(callsDir, { recursive: true, force: true });
  expect(exit?.code).toBe(0);
});

function mismatch(r: RawResponse | undefined, e: ExpectedResponse): string | null {
  if (!r) return 'missing response';
  const statuses = Array.isArray(e.status) ? e.status : [e.status];
  if (!statuses.includes(r.status)) return `status ${r.status}, expected ${statuses.join(' or ')}`;
  for (const [k, v] of Object.entries(e.headers ?? {})) {
    if ((r.header(k) ?? '').toLowerCase() !== v.toLowerCase()) return `header ${k}: ${r.header(k)}, expected ${v}`;
  }
  if (e.wireBodyLength !== undefined && r.body.length !== e.wireBodyLength) return `${r.body.length} body bytes on the wire, expected ${e.wireBodyLength}`;
  if (e.environ || e.body !== undefined || e.bodyLength !== undefined) {
    if (!isEcho(r)) return `not an echo response (content-type ${r.header('content-type')})`;
    const echo = JSON.parse(r.body.toString('utf8')) as Echo;
    for (const [k, v] of Object.entries(e.environ ?? {})) {
      const got = echo.environ[k];
      if (v === null ? got !== undefined : got !== v) return `environ ${k} = ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`;
    }
    if (e.body !== undefined && echo.body !== e.body) return `app read body ${JSON.stringify(echo.body.slice(0, 100))}, expected ${JSON.stringify(e.body.slice(0, 100))}`;
    if (e.bodyLength !== undefined && echo.body_length !== e.bodyLength) return `app read ${echo.body_length} bytes, expected ${e.bodyLength}`;
  }
  return null;
}

function isEcho(r: RawResponse): boolean {
  return (r.header('content-type') ?? '').startsWith('application/json');
}

/** Which outcome (if any) the observed exchange matches; the reasons for each miss otherwise. */
function judge(c: CorpusCase, finals: RawResponse[], closed: boolean): { ok: boolean; why: string[] } {
  const why: string[] = [];
  for (const [i, o] of c.outcomes.entries()) {
    const problems: string[] = [];
    if (finals.length !== o.responses.length) problems.push(`${finals.length} responses (${finals.map((r) => r.status).join(', ')}), expected ${o.responses.length}`);
    o.responses.forEach((e, j) => {
      const m = mismatch(finals[j], e);
      if (m) problems.push(`response ${j + 1}: ${m}`);
    });
    if (o.close && !closed) problems.push('connection left open, expected a close');
    if (!o.close && closed) problems.push('connection closed, expected it kept open');
    if (problems.length === 0) return { ok: true, why: [] };
    why.push(`outcome ${i + 1}: ${problems.join('; ')}`);
  }
  return { ok: false, why };
}

function statusesMatch(o: Outcome, finals: readonly RawResponse[]): boolean {
  return o.responses.length === finals.length && o.responses.every((e, i) => (Array.isArray(e.status) ? e.status : [e.status]).includes(finals[i]!.status));
}

async function exchange(c: CorpusCase): Promise<{ finals: RawResponse[]; closed: boolean; interim: RawResponse[] }> {
  const conn = await RawConnection.connect(server.port);
  try {
    if (c.interaction === 'vanish') {
      await conn.write(c.bytes);
      conn.destroy();
      return { finals: [], closed: true, interim: [] };
    }
    if (c.interaction === 'stall') {
      // Send part of a request and stop: the server must give up on its own.
      await conn.write(c.bytes);
      const closed = await conn.waitForClose(c.closeWithinMs);
      const { responses } = await conn.responses(0, c.methods, 1_000);
      return { finals: responses.filter((r) => r.status >= 200), closed, interim: [] };
    }
    if (c.interaction === 'expect-100') {
      const headEnd = c.bytes.indexOf('\r\n\r\n') + 4;
      await conn.write(c.bytes.subarray(0, headEnd));
      await conn.waitFor((x) => /^HTTP\/1\.1 100 /.test(x.received.toString('latin1')), 10_000, '100 Continue');
      await conn.write(c.bytes.subarray(headEnd));
    } else {
      await conn.write(c.bytes).catch(() => undefined); // the server may close before reading it all
    }
    const wanted = Math.max(...c.outcomes.map((o) => o.responses.length));
    let { responses, closed } = await conn.responses(wanted, c.methods, 10_000);
    // The outcome whose statuses were seen decides whether a close must follow.
    const seen = responses.filter((r) => r.status >= 200);
    const matching = c.outcomes.filter((o) => statusesMatch(o, seen));
    if (matching.length === 0) {
      // Wrong statuses: judge() reports them; probing the connection would only blur the message.
      return { finals: seen, closed, interim: responses.filter((r) => r.status < 200) };
    }
    if (matching.some((o) => o.close) && !closed) closed = await conn.waitForClose(5_000);
    if (!closed) {
      // Still open: prove it is usable (and that nothing extra arrives first, e.g. a smuggled answer).
      const before = responses.filter((r) => r.status >= 200).length;
      await conn.write('GET /__same_connection HTTP/1.1\r\nHost: corpus\r\n\r\n');
      const after = await conn.responses(before + 1, [...c.methods.slice(0, before), 'GET'], 10_000);
      const last = after.responses.filter((r) => r.status >= 200).at(-1);
      const extra = after.responses.filter((r) => r.status >= 200).length - before - 1;
      expect(extra, 'unexpected extra responses on the connection').toBe(0);
      expect(last?.status, 'a follow-up request on the kept-open connection').toBe(200);
      responses = after.responses.slice(0, after.responses.length - 1);
      closed = false;
    }
    return { finals: responses.filter((r) => r.status >= 200), closed, interim: responses.filter((r) => r.status < 200) };
  } finally {
    conn.destroy();
  }
}

async function expectServerHealthy(tag: string): Promise<void> {
  const conn = await RawConnection.connect(server.port);
  try {
    await conn.write(`GET /health/${tag} HTTP/1.1\r\nHost: corpus\r\nConnection: close\r\n\r\n`);
    const { responses } = await conn.responses(1, [], 10_000);
    expect(responses.map((r) => r.status), 'a normal request after the case').toEqual([200]);
    expect((JSON.parse(responses[0]!.body.toString()) as Echo).environ.PATH_INFO).toBe(`/health/${tag}`);
  } finally {
    conn.destroy();
  }
}

for (const dir of ['valid', 'invalid'] as const) {
  describe(`http-corpus ${dir}/`, () => {
    for (const c of loadCorpus(dir)) {
      it(`${c.id}: ${c.description}`, async () => {
        const callsBefore = appCalls().length;
        const { finals, closed, interim } = await exchange(c);
        if (c.interaction === 'expect-100') expect(interim.map((r) => r.status)).toEqual([100]);
        if (c.interim) expect(interim.map((r) => r.status), 'interim responses').toEqual(c.interim);
        const verdict = judge(c, finals, closed);
        expect(verdict.why, `${c.id} (${c.description})`).toEqual([]);
        expect(verdict.ok).toBe(true);
        await expectServerHealthy(c.id.replace('/', '-'));
        if (dir === 'invalid' && !REFERENCE) {
          // The app ran exactly for the requests it answered (a good one pipelined before the bad one);
          // a case whose error is in a body already streaming to the app says so (dispatchedBeforeError).
          const calls = appCalls().slice(callsBefore);
          const answered = finals.filter((r) => r.status >= 200 && r.status < 300).length;
          if (c.dispatchedBeforeError === undefined) expect(calls, 'requests that reached the app').toHaveLength(answered);
        }
      });
    }
  });
}
