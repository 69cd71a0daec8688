// Start a long-running program (gantry serve, gunicorn, nginx, a worker) and wait for the line that
// says it is ready: no sleeps, only events, each wait bounded by a deadline that fails loudly.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The match of the ready pattern. */
  readonly ready: RegExpMatchArray;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (past or future); rejects at the deadline or exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (TERM by default), waits up to timeoutMs, then SIGKILLs the whole process group. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<Exit>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Matched against the combined output; the process is ready when it matches. */
  readonly ready: RegExp;
  readonly timeoutMs?: number;
  /** Extra stdio (e.g. fds 3 and 4 for a worker); defaults to pipes for 0-2. */
  readonly stdio?: SpawnOptions['stdio'];
  /** Extra streams to read output from (e.g. the worker's fd 3), by fd number. */
  readonly readFds?: readonly number[];
}

const MAX_OUTPUT = 2 * 1024 * 1024;

export async function startProcess(opts: StartOptions): Promise<StartedProcess> {
  const child = spawn(opts.command, [...opts.args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'],
    // Own process group: a forced stop can take down everything this process started.
    detached: true,
  });
  // A pipe to a process that has exited must not become an unhandled error in the test run.
  for (const stream of child.stdio) stream?.on('error', () => undefined);
  let out = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer | string) => {
    out += chunk.toString();
    if (out.length > MAX_OUTPUT) out = out.slice(out.length - MAX_OUTPUT);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  for (const fd of opts.readFds ?? []) child.stdio[fd]?.on('data', append);

  let exitInfo: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      // 'exit' can come before the last output is read: settle on 'close' (all stdio read), or shortly after
      // exit when a grandchild still holds a pipe open.
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        exitInfo = { code, signal };
        for (const l of listeners) l();
        resolve(exitInfo);
      };
      const timer = setTimeout(settle, 2000);
      child.once('close', settle);
    });
    child.once('error', (err) => {
      append(`\n[spawn error] ${err.message}\n`);
      exitInfo = { code: -1, signal: null };
      for (const l of listeners) l();
      resolve(exitInfo);
    });
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          done();
          resolve(m);
        } else if (exitInfo) {
          done();
          reject(new Error(`${opts.name} exited (${JSON.stringify(exitInfo)}) before printing ${pattern}; output:\n${out}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${opts.name} did not print ${pattern} within ${timeoutMs} ms; output:\n${out}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const stop = async ({ signal = 'SIGTERM' as NodeJS.Signals, timeoutMs = 15_000 } = {}): Promise<Exit> => {
    if (exitInfo) return exitInfo;
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const first = await Promise.race([exited, deadline]);
    clearTimeout(timer);
    if (first === 'late') {
      killGroup(child.pid);
      await exited;
      throw new Error(`${opts.name} did not stop within ${timeoutMs} ms of ${signal}; killed. Output:\n${out}`);
    }
    // Whatever the process left behind in its group (it should be nothing) goes too.
    killGroup(child.pid);
    return first;
  };

  const handle: StartedProcess = {
    name: opts.name,
    child,
    pid: child.pid ?? -1,
    ready: [] as unknown as RegExpMatchArray,
    exited,
    output: () => out,
    waitForOutput,
    stop,
  };
  try {
    const ready = await waitForOutput(opts.ready, opts.timeoutMs ?? 30_000);
    return { ...handle, ready };
  } catch (err) {
    killGroup(child.pid);
    throw err;
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already empty
  }
}
