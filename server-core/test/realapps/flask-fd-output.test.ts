// A real Flask app on a real worker (Debian's /usr/bin/python3), through the control API: what a view writes
// past sys.stdout (a subprocess's echo, os.write to fds 1 and 2) is that request's output when it ran alone in
// its worker, and the worker's own output, with no request, when two requests ran at once (which of them wrote
// a byte to fd 1 cannot be known, so neither is given it).
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { requirePythonModule } from '../helpers/tools.js';
import { harnessScope } from '../control/api-client.js';
import { until } from '../runtime/harness.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');

interface Line {
  readonly text: string;
  readonly source: string;
  readonly requestId: string | null;
}

describe.skipIf(!flask.path).each([1, 4])('output a Flask view writes to fds 1 and 2 (one worker, --threads %i)', (threads) => {
  const h = harnessScope(); // its close stops the app
  let url: string;
  beforeAll(async () => {
    const add = await h.api('POST', '/api/apps', {
      folder: fixtureProject('flaskapp'),
      id: 'fd',
      detect: false,
      settings: { app: 'flaskapp:app', python: SYSTEM_PYTHON, bind: ['127.0.0.1:0'] },
      profiles: { dev: { workers: 1, threads, reload: false } },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const started = await h.api('POST', '/api/apps/fd/start', {});
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    url = started.body.urls[0];
  });

  const detailOf = async (requestId: string): Promise<{ entry: { path: string } | null; output: Line[] }> =>
    (await h.api('GET', `/api/apps/fd/requests/${encodeURIComponent(requestId)}`)).body;
  const outputMatching = async (search: string): Promise<Line[]> =>
    (await h.api('GET', `/api/apps/fd/output?search=${encodeURIComponent(search)}&limit=100`)).body.items;

  it("gives each request, run one after another, its subprocess's and its os.write lines, and only those", async () => {
    const tags = Array.from({ length: 4 }, (_, i) => `alone${i}-${Date.now().toString(36)}`);
    for (const tag of tags) {
      const r = await fetch(`${url}/fd-output?tag=${tag}`, { headers: { 'X-Request-ID': `rid-${tag}` } });
      expect(await r.json()).toEqual({ tag });
    }
    for (const tag of tags) {
      let detail = await detailOf(`rid-${tag}`);
      await until(
        async () => {
          detail = await detailOf(`rid-${tag}`);
          return detail.entry !== null && detail.output.length >= 3;
        },
        10_000,
        `the drawer of ${tag}`,
      );
      expect(detail.entry).toMatchObject({ path: '/fd-output' });
      expect(detail.output.map((l) => [l.source, l.text])).toEqual([
        ['stdout', `${tag} from echo`],
        ['stdout', `${tag} from os.write`],
        ['stderr', `${tag} to fd 2`],
      ]);
    }
    // And nowhere else: the app's output holds each line once, with its request.
    for (const tag of tags) {
      const lines = await outputMatching(tag);
      expect(lines.map((l) => l.requestId)).toEqual([`rid-${tag}`, `rid-${tag}`, `rid-${tag}`]);
    }
  });

  // (Registered only with threads: a sync worker never runs two at once.)
  if (threads > 1)
    it('gives two requests running at once in one worker none of it: it is the worker output', async () => {
      const key = `k${Date.now().toString(36)}`;
      const tags = [`both0-${key}`, `both1-${key}`];
      const res = await Promise.all(
        tags.map((tag) => fetch(`${url}/fd-together?tag=${tag}&key=${key}&parties=2`, { headers: { 'X-Request-ID': `rid-${tag}` } })),
      );
      for (const [i, r] of res.entries()) expect(await r.json()).toEqual({ tag: tags[i] });
      for (const tag of tags) {
        await until(async () => (await outputMatching(`${tag} together`)).length === 2, 10_000, `the lines of ${tag}`);
        const lines = await outputMatching(`${tag} together`);
        expect(lines.map((l) => [l.requestId, l.source]).sort()).toEqual([
          [null, 'stdout'],
          [null, 'stdout'],
        ]);
        await until(async () => (await detailOf(`rid-${tag}`)).entry !== null, 10_000, `the access entry of ${tag}`);
        expect((await detailOf(`rid-${tag}`)).output).toEqual([]);
      }
    });
});
