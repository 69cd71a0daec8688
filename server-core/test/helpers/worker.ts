// Start a Gantry Python worker directly (protocol/WORKER.md), the way the gateway does, so that
// other FastCGI peers (nginx, cgi-fcgi) can talk to it. Ready = the {"type":"ready"} line on fd 3.
import { WORKER_LAUNCHER } from './paths.js';
import { startProcess, type StartedProcess } from './process.js';

export interface WorkerOptions {
  readonly python: string;
  readonly app: string;
  /** unix:PATH or HOST:PORT */
  readonly listen: string;
  readonly chdir?: string;
  readonly threads?: number;
  readonly scriptName?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export async function startWorker(opts: WorkerOptions): Promise<StartedProcess> {
  const args = ['-u', WORKER_LAUNCHER, '--app', opts.app, '--listen', opts.listen];
  if (opts.chdir) args.push('--chdir', opts.chdir);
  if (opts.threads) args.push('--threads', String(opts.threads));
  if (opts.scriptName !== undefined) args.push('--script-name', opts.scriptName);
  return startProcess({
    name: 'gantry worker',
    command: opts.python,
    args,
    cwd: opts.chdir,
    env: { ...process.env, ...opts.env, PYTHONUNBUFFERED: '1' },
    // fd 0: our pipe, kept open (EOF would tell the worker its gateway is gone); fd 3: control; fd 4: stack dumps.
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    readFds: [3, 4],
    ready: /"type"\s*:\s*"ready"/,
  });
}
