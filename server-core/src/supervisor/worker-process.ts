// One Python worker process: spawned (node:child_process) with the fds WORKER.md lists (0 stdin-as-lifeline,
// 1/2 app output, 3 JSON control lines, 4 faulthandler dumps). It reports what happens and does as told;
// deciding what to do about it is the arbiter's job.
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, constants as fsc, openSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LineSplitter, type LineSplitterOptions } from '../logging/line-splitter.js';
import { StderrEntries } from '../logging/stderr-entries.js';
import { Ring } from '../ring.js';
import type { LogLevel } from '../runtime/types.js';
import { timerMs } from '../timer-ms.js';

interface ReadyMessage {
  readonly type: 'ready';
  readonly pid: number;
  readonly python?: string;
  readonly executable?: string;
  readonly threads?: number;
}

export interface BootErrorMessage {
  readonly type: 'boot_error';
  readonly code: string;
  readonly message: string;
  readonly traceback?: string;
}

export interface WorkerProcessHooks {
  ready(msg: ReadyMessage): void;
  bootError(msg: BootErrorMessage): void;
  /** The worker began a graceful stop (SIGTERM, max-requests): stop dispatching to it. */
  stopping(reason: string): void;
  /** A stdout line (level info), or a stderr entry with the level it states (logging/stderr-entries.ts). */
  output(source: 'stdout' | 'stderr', text: string, level: LogLevel): void;
  exit(code: number | null, signal: string | null): void;
}

export interface WorkerLaunch {
  readonly python: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** A private folder for the stdin lifeline FIFO (the app's socket dir). */
  readonly lifelineDir?: string;
}

let fifos = 0;

/** Makes FIFOs in `dir` (one mkfifo for all), opens each with `open`, unlinks them; null where FIFOs are not available. */
function withFifos<T>(dir: string, count: number, open: (paths: string[], opened: number[]) => T): T | null {
  const paths = Array.from({ length: count }, () => join(dir, `fifo-${process.pid}-${++fifos}`));
  try {
    execFileSync('mkfifo', ['-m', '600', ...paths], { stdio: 'ignore' });
  } catch {
    return null;
  }
  // Every fd opened so far, closed if a later open fails.
  const opened: number[] = [];
  try {
    return open(paths, opened);
  } catch {
    for (const fd of opened) closeSync(fd);
    return null;
  } finally {
    for (const path of paths) {
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
  }
}

/**
 * The worker's fd 0 must be a real pipe whose only writer is this process, so that the worker sees EOF
 * the moment we die, however we die (WORKER.md). node's 'pipe' stdio is a socketpair, so make a FIFO:
 * returns the read end for the child and the write end we keep.
 */
function openLifeline(path: string, opened: number[]): { childFd: number; keepFd: number } {
  // A non-blocking reader first so the writer can open; then a blocking reader for the child.
  const probe = track(opened, openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK));
  const keepFd = track(opened, openSync(path, fsc.O_WRONLY));
  const childFd = track(opened, openSync(path, fsc.O_RDONLY));
  closeSync(opened.splice(opened.indexOf(probe), 1)[0]!);
  return { childFd, keepFd };
}

function track(opened: number[], fd: number): number {
  opened.push(fd);
  return fd;
}

/** An output FIFO (fds 1, 2): our non-blocking read end and the child's (blocking) write end. */
function openOutput(path: string, opened: number[]): { childFd: number; readFd: number } {
  const readFd = track(opened, openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK));
  return { readFd, childFd: track(opened, openSync(path, fsc.O_WRONLY)) };
}

/**
 * Where every worker's stdout and stderr are read, one read at a time: node's stdio pipes allocate a new
 * 64 KiB buffer per read, and an app writing 50 MiB made V8 run mark-compact collections for those buffers
 * (tens of ms each, the gateway's longest pauses). Each read is split into lines before the next one
 * (the splitter copies what it keeps), so one buffer serves all of them.
 */
const OUTPUT_READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

/** Calls `onLine` per line read from `fd` (which it owns and closes); `closed` once it is drained. */
function eachLineOfFd(fd: number, onLine: (line: string) => void, closed: () => void): void {
  const lines = new LineSplitter(onLine);
  const socket = new Socket({
    fd,
    readable: true,
    writable: false,
    onread: { buffer: OUTPUT_READ_BUFFER, callback: (n: number, buf: Buffer) => void lines.push(buf.subarray(0, n)) },
  } as ConstructorParameters<typeof Socket>[0]);
  socket.on('end', () => lines.end());
  socket.on('close', () => {
    lines.end();
    closed();
  });
  socket.on('error', () => {});
}

/** How long an exited worker's output pipes may take to drain before its exit is reported anyway. */
const EXIT_DRAIN_MS = 1000;
const STDERR_TAIL = 20;
/** How long what a worker forked has, after the worker's exit, to stop on SIGTERM before SIGKILL. */
const GROUP_GRACE_MS = 1000;
/** How often a stopping group is looked at (kill(-pgid, 0)): no event says it is gone. */
const GROUP_CHECK_MS = 50;
/** faulthandler's report of a fatal signal: a few stacks of up to 100 frames each. */
const FATAL_REPORT_CHARS = 64 * 1024;

/** Calls `onLine` per line of a byte stream (logging/line-splitter.ts: linear, each line bounded). */
function eachLine(stream: Readable | null | undefined, onLine: (line: string) => void, opts?: LineSplitterOptions): void {
  if (!stream) return;
  const lines = new LineSplitter(onLine, opts);
  stream.on('data', (chunk: Buffer) => lines.push(chunk));
  stream.on('end', () => lines.end());
  stream.on('close', () => lines.end());
  stream.on('error', () => {});
}

/** A control message carries a boot traceback: longer than an output line may be, never idle-flushed. */
const CONTROL_LINE = { maxLineBytes: 1024 * 1024, idleFlushMs: 0 };

// As execa's `cleanup`: a gateway that exits without stopping its workers takes them along (one listener
// for all of them, so hundreds of workers do not trip the max-listeners warning).
const live = new Set<WorkerProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const w of live) w.signalGroup('SIGTERM');
  });
}

export class WorkerProcess {
  readonly pid: number;
  private readonly child: ChildProcess;
  private exited = false;
  private exitWaiters: Array<() => void> = [];
  private readonly stderrLines = new Ring<string>({ capacity: STDERR_TAIL });
  private stackListener: ((chunk: string) => void) | null = null;
  private fatalReport = '';

  private lifeline: number | null = null;

  constructor(
    launch: WorkerLaunch,
    private readonly hooks: WorkerProcessHooks,
  ) {
    installExitHook();
    const fds = launch.lifelineDir
      ? withFifos(launch.lifelineDir, 3, ([l, o, e], opened) => ({
          life: openLifeline(l!, opened),
          out: openOutput(o!, opened),
          err: openOutput(e!, opened),
        }))
      : null;
    const life = fds?.life ?? null;
    this.lifeline = life?.keepFd ?? null;
    // node:child_process rather than execa: execa's module graph alone is ~13 MB of the gateway's RSS.
    const spawnStdio: StdioOptions = [life?.childFd ?? 'pipe', fds?.out.childFd ?? 'pipe', fds?.err.childFd ?? 'pipe', 'pipe', 'pipe'];
    this.child = spawn(launch.python, ['-u', launch.script, ...launch.args], {
      cwd: launch.cwd,
      env: { ...launch.env, PYTHONUNBUFFERED: '1' },
      stdio: spawnStdio,
      // Its own process group: a terminal's Ctrl-C goes to gantry alone, which then stops the workers in
      // order (the stdin lifeline still takes them down if gantry dies).
      detached: true,
    });
    if (fds) for (const fd of [fds.life.childFd, fds.out.childFd, fds.err.childFd]) closeSync(fd);
    live.add(this);
    this.child.once('exit', () => live.delete(this));
    this.pid = this.child.pid ?? -1;
    const stdio = this.child.stdio as unknown as Array<Readable | null>;
    const onStdout = (line: string): void => hooks.output('stdout', line, 'info');
    const stderrEntries = new StderrEntries((text, level) => hooks.output('stderr', text, level));
    const onStderr = (line: string): void => {
      this.stderrLines.push(line);
      stderrEntries.push(line);
    };
    // With FIFOs the child's 'close' does not wait for its output: count our two read ends as well.
    let outputsOpen = 0;
    let outputsDrained: (() => void) | null = null;
    if (fds) {
      outputsOpen = 2;
      const closed = (): void => {
        if (--outputsOpen === 0) outputsDrained?.();
      };
      eachLineOfFd(fds.out.readFd, onStdout, closed);
      eachLineOfFd(fds.err.readFd, onStderr, () => {
        stderrEntries.end();
        closed();
      });
    } else {
      eachLine(this.child.stdout as Readable, onStdout);
      eachLine(this.child.stderr as Readable, onStderr);
      this.child.stderr?.on('close', () => stderrEntries.end());
    }
    eachLine(stdio[3], (line) => this.onControl(line), CONTROL_LINE);
    const dumps = stdio[4];
    if (dumps) {
      dumps.setEncoding('utf8');
      dumps.on('data', (chunk: string) => {
        if (this.stackListener) return this.stackListener(chunk);
        // Nobody asked: faulthandler's report of a fatal signal (kept for the exit, bounded).
        if (this.fatalReport.length < FATAL_REPORT_CHARS) this.fatalReport += chunk.slice(0, FATAL_REPORT_CHARS - this.fatalReport.length);
      });
      dumps.on('error', () => {});
    }
    this.child.stdin?.on('error', () => {});
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      if (this.lifeline !== null) {
        closeSync(this.lifeline);
        this.lifeline = null;
      }
      // Report the exit once the output pipes are drained ('close'), so the exit reason has the last stderr
      // lines and no line arrives after it (a boot traceback read after the exit was printed a second time).
      // A grandchild holding the pipes open must not hold the exit back: at most EXIT_DRAIN_MS.
      let reported = false;
      const report = (): void => {
        if (reported) return;
        reported = true;
        clearTimeout(timer);
        // Only now: a child still writing the worker's last words is let finish (up to EXIT_DRAIN_MS).
        this.stopGroup();
        hooks.exit(code, signal);
        for (const w of this.exitWaiters) w();
        this.exitWaiters = [];
      };
      const timer = setTimeout(report, EXIT_DRAIN_MS);
      this.child.once('close', () => {
        if (outputsOpen === 0) setImmediate(report);
        else outputsDrained = () => setImmediate(report);
      });
    });
    if (this.pid === -1) {
      this.child.on('error', () => {
        if (!this.exited) {
          this.exited = true;
          hooks.exit(127, null);
        }
      });
    }
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The last lines the worker wrote on stderr, then faulthandler's report if it died of a fatal signal. */
  stderrTail(): string[] {
    return [...this.stderrLines.toArray(), ...this.fatalStack()];
  }

  /** The Python stacks faulthandler wrote when the worker died of a fatal signal (SIGSEGV, SIGABRT, …), by line. */
  fatalStack(): string[] {
    return this.fatalReport.split('\n').filter((l) => l.trim() !== '');
  }

  private onControl(line: string): void {
    if (line.trim() === '') return;
    let msg: { type?: string };
    try {
      msg = JSON.parse(line) as { type?: string };
    } catch {
      this.hooks.output('stderr', `[gantry] bad control line from worker: ${line.slice(0, 200)}`, 'error');
      return;
    }
    if (msg.type === 'ready') this.hooks.ready(msg as ReadyMessage);
    else if (msg.type === 'boot_error') this.hooks.bootError(msg as BootErrorMessage);
    else if (msg.type === 'stopping') this.hooks.stopping(String((msg as { reason?: unknown }).reason ?? ''));
    // A message nobody consumes is a protocol drift (protocol/WORKER.md): shown, not dropped.
    else this.hooks.output('stderr', `[gantry] unknown control message from worker: ${line.slice(0, 200)}`, 'error');
  }

  signal(sig: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      /* already gone */
    }
  }

  /** The worker and everything the app forked (they share its process group, `detached` made it lead one). */
  signalGroup(sig: NodeJS.Signals | 0): boolean {
    if (this.pid <= 0) return false;
    try {
      process.kill(-this.pid, sig);
      return true;
    } catch {
      return false; // no one left in the group
    }
  }

  /**
   * The worker is gone: so is what it forked. TERM the rest of its group, KILL what is left after
   * GROUP_GRACE_MS (a helper that ignores TERM must not outlive the app).
   */
  private stopGroup(): void {
    if (!this.signalGroup('SIGTERM')) return;
    // Not unref'd: a gantry that is exiting waits (at most GROUP_GRACE_MS) until the group is gone. It used to wait
    // by accident, on the output FIFOs the children inherited; the worker now gives its children pipes of its own
    // (app/gantry_wsgi/fdcapture.py), so nothing else holds the event loop while a child ignores SIGTERM.
    const deadline = Date.now() + GROUP_GRACE_MS;
    const check = setInterval(() => {
      if (!this.signalGroup(0)) clearInterval(check);
      else if (Date.now() >= deadline) {
        this.signalGroup('SIGKILL');
        clearInterval(check);
      }
    }, GROUP_CHECK_MS);
  }

  waitForExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timerMs(ms));
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Bounded stop: TERM (the worker finishes in-flight requests), then KILL after `graceMs`. */
  async stop(graceMs: number, beforeKill?: () => void): Promise<void> {
    if (this.exited) return;
    this.signal('SIGTERM');
    if (await this.waitForExit(graceMs)) return;
    beforeKill?.();
    this.signalGroup('SIGKILL');
    await this.waitForExit(5000);
  }

  async kill(): Promise<void> {
    if (!this.exited) this.signalGroup('SIGKILL');
    await this.waitForExit(5000);
  }

  /**
   * Asks for a faulthandler dump of every thread (SIGUSR2 → fd 4) and collects it until the output has
   * been quiet for `quietMs`, at most `capMs`.
   */
  dumpStacks(quietMs = 150, capMs = 2000): Promise<string> {
    if (this.exited) return Promise.resolve('');
    return new Promise((resolve) => {
      let text = '';
      let quiet: NodeJS.Timeout | null = null;
      const finish = (): void => {
        clearTimeout(cap);
        if (quiet) clearTimeout(quiet);
        this.stackListener = null;
        resolve(text);
      };
      const cap = setTimeout(finish, capMs);
      this.stackListener = (chunk) => {
        text += chunk;
        if (quiet) clearTimeout(quiet);
        quiet = setTimeout(finish, quietMs);
      };
      // A worker that never answers still resolves through the cap; one already dumping extends the quiet wait.
      quiet = setTimeout(finish, Math.max(quietMs * 4, 500));
      this.signal('SIGUSR2');
    });
  }
}
