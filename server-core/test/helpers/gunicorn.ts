// Start Debian's gunicorn on port 0 (it prints the real port in its "Listening at" line too).
import { SYSTEM_PYTHON } from './paths.js';
import { startProcess } from './process.js';
import { withAddress, type HttpServer } from './gantry.js';

export interface GunicornOptions {
  readonly app: string;
  readonly chdir: string;
  readonly workerClass?: 'sync' | 'gthread';
  readonly workers?: number;
  readonly threads?: number;
  readonly args?: readonly string[];
}

export async function startGunicorn(opts: GunicornOptions): Promise<HttpServer> {
  const args = [
    '-m',
    'gunicorn',
    '-b',
    '127.0.0.1:0',
    '--chdir',
    opts.chdir,
    '-k',
    opts.workerClass ?? 'sync',
    '-w',
    String(opts.workers ?? 1),
    '--threads',
    String(opts.threads ?? 1),
    ...(opts.args ?? []),
    opts.app,
  ];
  const proc = await startProcess({
    name: 'gunicorn',
    command: SYSTEM_PYTHON,
    args,
    // gunicorn logs "Listening at" before its workers boot: wait for a worker too.
    ready: /Listening at: http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+)[\s\S]*Booting worker/,
  });
  return withAddress(proc);
}
