// Start `gantry serve` on port 0 the way a user would, and parse the real port from its
// "Listening at: http://HOST:PORT (PID)" line.
import { assertGantryBuilt, GANTRY_BIN } from './paths.js';
import { perTest } from './per-test.js';
import { startProcess, type StartedProcess } from './process.js';

export interface HttpServer extends StartedProcess {
  readonly host: string;
  readonly port: number;
  /** http://HOST:PORT, without a trailing slash. */
  readonly url: string;
}

export interface GantryOptions {
  /** MODULE:CALLABLE */
  readonly app: string;
  readonly chdir?: string;
  readonly python?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** More `gantry serve` flags, e.g. ['-w', '2']. */
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
}

const LISTENING = /Listening at: http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+)/;

function gantryServeArgs(opts: GantryOptions): string[] {
  const args = ['serve', '-b', '127.0.0.1:0'];
  if (opts.chdir) args.push('--chdir', opts.chdir);
  if (opts.python) args.push('--python', opts.python);
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('-e', `${k}=${v}`);
  args.push(...(opts.args ?? []), opts.app);
  return args;
}

/** node's arguments for `gantry serve` (GANTRY_BIN first), for a test that spawns it itself or adds node flags. */
export function gantryServeArgv(opts: GantryOptions): string[] {
  return [GANTRY_BIN, ...gantryServeArgs(opts)];
}

export async function startGantry(opts: GantryOptions): Promise<HttpServer> {
  return withAddress(await spawnGantry({ ...opts, ready: LISTENING }));
}

/**
 * `gantry serve`, waited on until its output matches `ready`: for the runs that never print "Listening at" on
 * stderr (a failed import, a usage error, workers still importing, the log sent to a file).
 */
export async function spawnGantry(opts: GantryOptions & { readonly ready: RegExp }): Promise<StartedProcess> {
  assertGantryBuilt();
  return startProcess({
    name: 'gantry serve',
    command: process.execPath,
    args: gantryServeArgv(opts),
    ready: opts.ready,
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
}

export function withAddress(proc: StartedProcess): HttpServer {
  const host = proc.ready[1]!.replace(/^\[|\]$/g, '');
  const port = Number(proc.ready[2]);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`${proc.name} printed port ${proc.ready[2]}; expected the real port, not 0`);
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { ...proc, host, port, url: `http://${urlHost}:${port}` };
}

const kill = (p: StartedProcess): Promise<unknown> => p.stop({ signal: 'SIGKILL', timeoutMs: 2000 });

/** For a file's tests: startGantry, killed (with its process group) after the test that started it. */
export function gantryPerTest(): typeof startGantry {
  return perTest(startGantry, kill);
}

/** For a file's tests: spawnGantry, killed (with its process group) after the test that started it. */
export function spawnGantryPerTest(): typeof spawnGantry {
  return perTest(spawnGantry, kill);
}
