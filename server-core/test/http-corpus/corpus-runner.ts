// Runs one corpus case over a raw socket and judges what came back: shared by corpus.test.ts (Gantry)
// and test/differential/corpus-gunicorn.test.ts (the same cases against gunicorn).
import type { HttpServer } from '../helpers/gantry.js';
import { startGunicorn } from '../helpers/gunicorn.js';
import { fixtureProject } from '../helpers/paths.js';
import { RawConnection, type RawResponse } from '../helpers/raw-http.js';
import type { CorpusCase, ExpectedResponse, Outcome } from './corpus.js';

/** The reference the corpus is checked against: gunicorn gthread (2 × 2) on the echo app, with a long keep-alive. */
export function startReferenceGunicorn(): Promise<HttpServer> {
  return startGunicorn({
    app: 'environ_echo:application',
    chdir: fixtureProject('echo'),
    workers: 2,
    threads: 2,
    workerClass: 'gthread',
    args: ['--keep-alive', '30'],
  });
}

interface Echo {
  environ: Record<string, unknown>;
  body: string;
  body_length: number;
}

function mismatch(r: RawResponse | undefined, e: ExpectedResponse): string | null {
  if (!r) return 'missing response';
  const statuses = Array.isArray(e.status) ? e.status : [e.status];
  if (!statuses.includes(r.status)) return `status ${r.status}, expected ${statuses.join(' or ')}`;
  for (const [k, v] of Object.entries(e.headers ?? {})) {
    if ((r.header(k) ?? '').toLowerCase() !== v.toLowerCase()) return `header ${k}: ${r.header(k)}, expected ${v}`;
  }
  if (e.wireBodyLength !== undefined && r.body.length !== e.wireBodyLength)
    return `${r.body.length} body bytes on the wire, expected ${e.wireBodyLength}`;
  if (e.environ || e.body !== undefined || e.bodyLength !== undefined) {
    if (!isEcho(r)) return `not an echo response (content-type ${r.header('content-type')})`;
    const echo = JSON.parse(r.body.toString('utf8')) as Echo;
    for (const [k, v] of Object.entries(e.environ ?? {})) {
      const got = echo.environ[k];
      if (v === null ? got !== undefined : got !== v) return `environ ${k} = ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`;
    }
    if (e.body !== undefined && echo.body !== e.body)
      return `app read body ${JSON.stringify(echo.body.slice(0, 100))}, expected ${JSON.stringify(e.body.slice(0, 100))}`;
    if (e.bodyLength !== undefined && echo.body_length !== e.bodyLength)
      return `app read ${echo.body_length} bytes, expected ${e.bodyLength}`;
  }
  return null;
}

function isEcho(r: RawResponse): boolean {
  return (r.header('content-type') ?? '').startsWith('application/json');
}

/** Which outcome (if any) the observed exchange matches; the reasons for each miss otherwise. */
export function judge(c: CorpusCase, finals: RawResponse[], closed: boolean): { ok: boolean; why: string[] } {
  const why: string[] = [];
  for (const [i, o] of c.outcomes.entries()) {
    const problems: string[] = [];
    if (finals.length !== o.responses.length)
      problems.push(`${finals.length} responses (${finals.map((r) => r.status).join(', ')}), expected ${o.responses.length}`);
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
  return (
    o.responses.length === finals.length &&
    o.responses.every((e, i) => (Array.isArray(e.status) ? e.status : [e.status]).includes(finals[i]!.status))
  );
}

/** Sends one case to the server on `port` and collects what came back; `waitMs` bounds each wait for responses. */
export async function exchange(
  port: number,
  c: CorpusCase,
  waitMs = 10_000,
): Promise<{ finals: RawResponse[]; closed: boolean; interim: RawResponse[] }> {
  const conn = await RawConnection.connect(port);
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
    let { responses, closed } = await conn.responses(wanted, c.methods, waitMs);
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
      const after = await conn.responses(before + 1, [...c.methods.slice(0, before), 'GET'], waitMs);
      const last = after.responses.filter((r) => r.status >= 200).at(-1);
      const extra = after.responses.filter((r) => r.status >= 200).length - before - 1;
      if (extra !== 0) throw new Error(`unexpected extra responses on the connection: ${extra}`);
      if (last?.status !== 200) throw new Error(`a follow-up request on the kept-open connection got ${last?.status}`);
      responses = after.responses.slice(0, after.responses.length - 1);
      closed = false;
    }
    return { finals: responses.filter((r) => r.status >= 200), closed, interim: responses.filter((r) => r.status < 200) };
  } finally {
    conn.destroy();
  }
}
