// A real Flask app on real workers (Debian's /usr/bin/python3): what a view print()s is that request's
// output, as its stderr already was, with threads running several requests at once in one worker; what
// a thread of the view's own prints, and what is printed at import, stays the worker's output.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutputLine } from '../../src/runtime/types.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { requirePythonModule } from '../helpers/tools.js';
import { appScope, until } from '../runtime/harness.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');

describe.skipIf(!flask.path)('print() in a Flask view belongs to its request', () => {
  const app = appScope({ app: 'flaskapp:app', chdir: fixtureProject('flaskapp'), python: SYSTEM_PYTHON, workers: 1, threads: 4 });
  const lines: OutputLine[] = [];
  beforeAll(() => void app.runtime.on('output', (l) => lines.push(l)));

  it('gives each of eight concurrent requests on four threads exactly its own lines, in order', async () => {
    const n = 60;
    const tags = Array.from({ length: 8 }, (_, i) => `req${i}-${Date.now().toString(36)}`);
    const res = await Promise.all(tags.map((tag) => fetch(`${app.url}/print-lines?tag=${tag}&n=${n}`)));
    const ids = await Promise.all(
      res.map(async (r, i) => {
        expect(r.status).toBe(200);
        // The response is the view's JSON alone: nothing printed leaked into it.
        expect(await r.json()).toEqual({ tag: tags[i], lines: n });
        return r.headers.get('x-request-id')!;
      }),
    );
    const stdoutOf = (id: string): string[] => lines.filter((l) => l.requestId === id && l.source === 'stdout').map((l) => l.text);
    await until(() => ids.every((id, i) => stdoutOf(id).includes(`${tags[i]} flushed tail`)), 10_000, "every request's last line");
    // Eight requests on four threads ran side by side in one worker: the attribution is per thread.
    const pids = new Set(lines.filter((l) => ids.includes(l.requestId ?? '')).map((l) => l.workerPid));
    expect(pids.size).toBe(1);
    ids.forEach((id, i) => {
      const tag = tags[i]!;
      expect(stdoutOf(id)).toEqual([
        ...Array.from({ length: n }, (_, j) => `${tag} line ${j}`),
        `${tag} partial and ended`,
        `${tag} flushed tail`,
      ]);
    });
    // No line with one request's tag was given to another request.
    for (const l of lines) {
      const owner = tags.findIndex((t) => l.text.startsWith(`${t} `));
      if (owner >= 0 && l.requestId !== null) expect(l.requestId).toBe(ids[owner]);
    }
    // A thread the view started is not the request: its line is the worker's. (Eight such threads print at
    // once to the worker's fd 1, where print()'s text and its newline are separate writes: two of them may
    // share a line, as they would under gunicorn, so the text is looked for within the worker's lines.)
    const workerText = (): string =>
      lines
        .filter((l) => l.requestId === null && l.source === 'stdout')
        .map((l) => l.text)
        .join('\n');
    await until(() => tags.every((tag) => workerText().includes(`${tag} from a thread of its own`)), 10_000, "the helper threads' lines");
  });

  it('keeps stdout and stderr of one request apart, both with its id', async () => {
    const tag = `noisy${Date.now().toString(36)}`;
    const r = await fetch(`${app.url}/noisy?tag=${tag}`, { headers: { 'X-Request-ID': `rid-${tag}` } });
    expect(await r.json()).toEqual({ tag });
    await until(() => lines.some((l) => l.requestId === `rid-${tag}` && l.text.includes('noisy logger')), 10_000, 'the logger line');
    const mine = lines.filter((l) => l.requestId === `rid-${tag}`);
    expect(mine.find((l) => l.text === `noisy stdout ${tag}`)).toMatchObject({ source: 'stdout', level: 'info' });
    expect(mine.find((l) => l.text === `noisy stderr ${tag}`)).toMatchObject({ source: 'stderr' });
  });
});
