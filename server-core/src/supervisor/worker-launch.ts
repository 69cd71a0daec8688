// The command line and environment of one worker, per WORKER.md: its own socket in the app's private
// folder, the app's chdir/pythonpath/threads, and the user's -e variables over the gateway's environment.
import { join } from 'node:path';
import type { AppSettings } from '../config/settings.js';

export interface LaunchContext {
  readonly socketDir: string;
  /** The app's folder, absolute. */
  readonly cwd: string;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
}

export interface LaunchSpec {
  readonly socketPath: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

/** `uid` makes each process's socket unique, so a replacement never collides with a draining worker. */
export function launchSpec(s: AppSettings, ctx: LaunchContext, id: number, uid: number): LaunchSpec {
  const socketPath = join(ctx.socketDir, `w${id}-${uid}.sock`);
  const args = [
    '--app',
    s.app,
    '--listen',
    `unix:${socketPath}`,
    '--chdir',
    ctx.cwd,
    '--threads',
    String(s.threads),
    '--worker-id',
    String(id),
    '--request-stdout',
  ];
  for (const p of s.pythonpath) args.push('--pythonpath', p);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.baseEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, s.env);
  return { socketPath, args, env };
}
