// The one way to run a short-lived tool off the request path (an import check, `manage.py check`, `collectstatic`,
// `py_compile`, lsof): execa, bounded by a timeout, never rejecting. Not for workers (supervisor/worker-process.ts
// uses node:child_process: on the gateway's path every MB of RSS was measured) nor for process-stats' sampling.
import { execa } from 'execa';

export interface RunResult {
  /** The exit code; null when the program did not run to an exit (not found, killed on timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as written. */
  readonly all: string;
  readonly timedOut: boolean;
  /** Why it did not run at all ("ENOENT: …"); null when it ran. */
  readonly error: string | null;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) past this. Default 20 s. */
  readonly timeoutMs?: number;
}

export async function runTool(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: opts.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
    maxBuffer: 4 * 1024 * 1024,
    stripFinalNewline: false,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const spawnCode = (r as { code?: unknown }).code;
  const error =
    r.failed && r.exitCode === undefined && !r.timedOut
      ? `${typeof spawnCode === 'string' ? `${spawnCode}: ` : ''}${r.originalMessage ?? r.shortMessage}`
      : null;
  return {
    code: r.exitCode ?? null,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    all: String(r.all ?? ''),
    timedOut: r.timedOut,
    error,
  };
}
