// Real load from a traffic generator nobody here wrote: wrk, run for as long as a test needs it and stopped
// by its pid. What it reports (requests, req/s) comes back when it stops.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Load {
  /** Stops wrk and returns its summary: total requests and requests per second. */
  stop(): Promise<{ readonly requests: number; readonly rate: number; readonly output: string }>;
}

export function startWrk(
  url: string,
  options: { readonly connections?: number; readonly threads?: number; readonly seconds?: number } = {},
): Load {
  const child: ChildProcess = spawn(
    'wrk',
    ['-t', String(options.threads ?? 1), '-c', String(options.connections ?? 4), '-d', `${options.seconds ?? 120}s`, url],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      // wrk prints its summary on SIGINT, as when a person presses Ctrl-C.
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
      const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
      const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0);
      return { requests, rate, output };
    },
  };
}
