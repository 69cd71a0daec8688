// How the real-framework tests start their server: `gantry serve` (the point of these tests).
// GANTRY_REALAPPS_REFERENCE=gunicorn runs the very same tests against Debian's gunicorn instead,
// to check the tests themselves: a case that passes there and fails on Gantry is a Gantry bug.
import { startGantry, type HttpServer } from '../helpers/gantry.js';
import { startGunicorn } from '../helpers/gunicorn.js';
import { SYSTEM_PYTHON } from '../helpers/paths.js';

export interface ServeOptions {
  readonly app: string;
  readonly chdir: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly workers?: number;
  readonly threads?: number;
  /** URL prefix → folder, served by Gantry's gateway (--static). gunicorn has no equivalent: tests
   *  that rely on it are skipped in the reference run (REFERENCE). */
  readonly staticMap?: Readonly<Record<string, string>>;
}

export const REFERENCE = process.env.GANTRY_REALAPPS_REFERENCE === 'gunicorn';

export function serveApp(opts: ServeOptions): Promise<HttpServer> {
  const workers = opts.workers ?? 2;
  const threads = opts.threads ?? 2;
  if (REFERENCE) {
    for (const [k, v] of Object.entries(opts.env ?? {})) process.env[k] = v;
    return startGunicorn({ app: opts.app, chdir: opts.chdir, workers, threads, workerClass: 'gthread' });
  }
  return startGantry({
    app: opts.app,
    chdir: opts.chdir,
    python: SYSTEM_PYTHON,
    env: opts.env,
    args: [
      '-w',
      String(workers),
      '--threads',
      String(threads),
      ...Object.entries(opts.staticMap ?? {}).flatMap(([url, dir]) => ['--static', `${url}=${dir}`]),
    ],
  });
}
