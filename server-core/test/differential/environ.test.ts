// Differential: the same raw requests to gunicorn (Debian's, sync worker) and to Gantry, both running
// the environ-echo app; the environ keys and values must match except for the deliberate differences
// in differences.ts (each one checked, not just ignored). The app must also read the same body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { startGunicorn } from '../helpers/gunicorn.js';
import { fixtureProject, SYSTEM_PYTHON } from '../helpers/paths.js';
import { rawExchange } from '../helpers/raw-http.js';
import { requirePythonModule } from '../helpers/tools.js';
import { DIFFERENCES, OBJECT_ONLY_GUNICORN, type Context, type Env } from './differences.js';
import { REQUESTS } from './requests.js';

const gunicornTool = await requirePythonModule(SYSTEM_PYTHON, 'gunicorn', 'apt-get install gunicorn');

interface Echo {
  environ: Env;
  objects: Record<string, string>;
  body: string;
}

function headersOf(raw: string): Array<[string, string]> {
  const head = raw.slice(raw.indexOf('\r\n') + 2, raw.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .filter(Boolean)
    .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
}

async function echo(port: number, raw: string): Promise<{ status: number; echo: Echo | null }> {
  const { responses } = await rawExchange(port, raw);
  const final = responses.find((r) => r.status >= 200);
  expect(final, `a response from port ${port}`).toBeDefined();
  return { status: final!.status, echo: final!.status === 200 ? (JSON.parse(final!.body.toString('utf8')) as Echo) : null };
}

const CONFIGS = [
  { name: 'gunicorn sync -w 1 vs gantry -w 1', workers: 1, threads: 1, workerClass: 'sync' as const },
  { name: 'gunicorn gthread -w 2 --threads 4 vs gantry -w 2 --threads 4', workers: 2, threads: 4, workerClass: 'gthread' as const },
];

describe.skipIf(!gunicornTool.path).each(CONFIGS)('environ: $name', ({ workers, threads, workerClass }) => {
  let gunicorn: HttpServer;
  let gantry: HttpServer;
  beforeAll(async () => {
    const chdir = fixtureProject('echo');
    [gunicorn, gantry] = await Promise.all([
      startGunicorn({ app: 'environ_echo:application', chdir, workers, threads, workerClass }),
      startGantry({
        app: 'environ_echo:application',
        chdir,
        python: SYSTEM_PYTHON,
        args: ['-w', String(workers), '--threads', String(threads)],
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gunicorn?.stop(), gantry?.stop()]);
  });

  for (const req of REQUESTS) {
    it(req.name, async () => {
      const [g, t] = await Promise.all([echo(gunicorn.port, req.raw), echo(gantry.port, req.raw)]);
      expect(t.status).toBe(g.status);
      expect(g.status).toBe(200);
      const ge = { ...g.echo!.environ };
      const te = { ...t.echo!.environ };
      const ctx: Context = { raw: req.raw, headers: headersOf(req.raw), gunicornPort: gunicorn.port, workers };
      for (const d of DIFFERENCES) {
        d.check(ge, te, ctx);
        for (const k of typeof d.keys === 'function' ? d.keys(ctx) : d.keys) {
          delete ge[k];
          delete te[k];
        }
      }
      // Everything else, wsgi.multithread included, must be identical.
      expect(te).toEqual(ge);
      expect(t.echo!.body).toBe(g.echo!.body);
      // Objects (wsgi.input, wsgi.errors, wsgi.file_wrapper): the same keys; their types are each server's own.
      const gObjects = Object.keys(g.echo!.objects)
        .filter((k) => !OBJECT_ONLY_GUNICORN.includes(k))
        .sort();
      expect(Object.keys(t.echo!.objects).sort()).toEqual(gObjects);
    });
  }
});
