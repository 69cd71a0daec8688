// A log destination: "-" for the process's stdout/stderr, else a file opened for append. Lines are batched per
// tick (one write for many access lines under load) and the file can be reopened (USR1), which is what logrotate's
// copy-less rotation needs.
//
// A log file survives write errors (disk full, a volume gone): the failure is reported once, lines written
// meanwhile wait in a bounded buffer (beyond it the oldest are dropped and counted), and the file is reopened with
// back-off until a write succeeds again — then the recovery is reported with the number of lines lost. A path
// that cannot be opened at start is refused (the constructor throws), as gunicorn refuses it.
import { closeSync, openSync, write } from 'node:fs';
import { Backoff } from '../supervisor/backoff.js';

/** What a log file tells about its own trouble (the error log, a Host notice). */
export type LogTrouble =
  | { readonly kind: 'failed'; readonly path: string; readonly error: string }
  | { readonly kind: 'resumed'; readonly path: string; readonly linesLost: number; readonly downMs: number };

export interface LogFileOptions {
  /** Where trouble is reported; default: a line on `fallback`. */
  readonly onTrouble?: (t: LogTrouble) => void;
  /** Bytes held while the file cannot be written (default 1 MiB); past it the oldest lines are lost. */
  readonly holdBytes?: number;
  /** First and longest wait between reopen attempts (ms). */
  readonly retryMs?: readonly [number, number];
}

/** The message a trouble report reads as, in every place it is shown. */
export function describeLogTrouble(t: LogTrouble): string {
  return t.kind === 'failed'
    ? `cannot write the log file ${t.path}: ${t.error}; lines are held (up to a limit) and the file is reopened until it can be written`
    : `writing the log file ${t.path} again after ${(t.downMs / 1000).toFixed(1)} s; ${t.linesLost} line(s) were lost`;
}

export class LogFile {
  private fd: number | null = null;
  private pending = '';
  private pendingLines = 0;
  private scheduled = false;
  private writing = false;
  private closed = false;
  /** Set while writes fail: since when, the first error, and lines dropped from the hold buffer. */
  private failure: { since: number; lost: number; backoff: Backoff; timer: NodeJS.Timeout | null } | null = null;
  private drained: Array<() => void> = [];
  private reopenWanted = false;
  /** Lines lost in total, for tests and metrics. */
  linesLost = 0;

  /** `fallback` is the std stream "-" means. Throws if the file cannot be opened. */
  constructor(
    readonly path: string,
    private readonly fallback: NodeJS.WritableStream,
    private readonly options: LogFileOptions = {},
  ) {
    if (this.isFile()) this.fd = openSync(this.path, 'a', 0o644);
  }

  private isFile(): boolean {
    return this.path !== '-' && this.path !== '';
  }

  /** Kept for callers that waited for the stream to open; the file is open once constructed. */
  opened(): Promise<void> {
    return Promise.resolve();
  }

  writeLine(line: string): void {
    if (this.closed) return;
    this.pending += line + '\n';
    this.pendingLines++;
    if (this.failure) return this.trimHeld();
    if (this.pending.length > 65536) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending === '' || this.writing || this.failure) return;
    if (!this.isFile()) {
      this.fallback.write(this.pending);
      this.pending = '';
      this.pendingLines = 0;
      return;
    }
    this.writeBatch();
  }

  private writeBatch(): void {
    const fd = this.fd;
    if (fd === null) return;
    const buf = Buffer.from(this.pending);
    const lines = this.pendingLines;
    this.pending = '';
    this.pendingLines = 0;
    this.writing = true;
    const writeFrom = (offset: number): void => {
      write(fd, buf, offset, buf.length - offset, null, (err, n) => {
        if (!err && offset + n < buf.length) return writeFrom(offset + n); // a short write: the rest
        this.writing = false;
        if (err) {
          // What did not reach the file goes back in front of what came since, and waits for the reopen.
          const rest = buf.subarray(offset).toString();
          const restLines = offset === 0 ? lines : countLines(rest);
          this.pending = rest + this.pending;
          this.pendingLines += restLines;
          this.fail(err);
          return;
        }
        if (this.failure) this.recovered();
        // A reopen asked for during the write applies to the lines after it.
        if (this.reopenWanted) this.swapFd();
        if (this.pending !== '' && !this.failure) this.writeBatch();
        else this.settle();
      });
    };
    writeFrom(0);
  }

  private fail(err: NodeJS.ErrnoException): void {
    if (!this.failure) {
      const [firstMs = 250, maxMs = 30_000] = this.options.retryMs ?? [];
      this.failure = {
        since: Date.now(),
        lost: 0,
        backoff: new Backoff({ immediate: 0, firstMs, maxMs, resetAfterMs: Infinity }),
        timer: null,
      };
      this.report({
        kind: 'failed',
        path: this.path,
        error: err.code && !err.message.startsWith(err.code) ? `${err.code}: ${err.message}` : err.message,
      });
    }
    this.trimHeld();
    this.settle();
    if (this.closed) return;
    const f = this.failure;
    f.timer = setTimeout(() => this.retry(), f.backoff.next());
    f.timer.unref();
  }

  /** Reopens the file (it may be on a volume that came back, or a new file after the disk was freed) and writes. */
  private retry(): void {
    const f = this.failure;
    if (!f || this.closed) return;
    f.timer = null;
    if (!this.openAgain()) return;
    if (this.pending === '') return this.recovered();
    this.writeBatch();
  }

  private recovered(): void {
    const f = this.failure!;
    if (f.timer) clearTimeout(f.timer);
    this.failure = null;
    this.report({ kind: 'resumed', path: this.path, linesLost: f.lost, downMs: Date.now() - f.since });
  }

  /** Keeps the hold buffer within its bound by dropping the oldest whole lines. */
  private trimHeld(): void {
    const max = this.options.holdBytes ?? 1024 * 1024;
    if (this.pending.length <= max) return;
    let cut = this.pending.length - max;
    const nl = this.pending.indexOf('\n', cut - 1);
    cut = nl < 0 ? this.pending.length : nl + 1;
    const dropped = countLines(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut);
    this.pendingLines -= dropped;
    this.linesLost += dropped;
    if (this.failure) this.failure.lost += dropped;
  }

  private report(t: LogTrouble): void {
    if (this.options.onTrouble) this.options.onTrouble(t);
    else this.fallback.write(`gantry: ${describeLogTrouble(t)}\n`);
  }

  private settle(): void {
    if (this.writing) return;
    for (const d of this.drained.splice(0)) d();
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      /* a file on a vanished volume may refuse even this */
    }
    this.fd = null;
  }

  /** Closes and opens the file again (after it was moved away by log rotation). */
  reopen(): void {
    if (!this.isFile() || this.closed) return;
    if (this.failure) {
      // A reopen by hand (USR1) is a retry now.
      if (this.failure.timer) clearTimeout(this.failure.timer);
      return this.retry();
    }
    this.flush();
    if (this.writing) this.reopenWanted = true;
    else this.swapFd();
  }

  private swapFd(): void {
    this.reopenWanted = false;
    this.openAgain();
  }

  /** The one reopen, after a failure and on USR1: the old fd stays until the new one is open. */
  private openAgain(): boolean {
    try {
      const fd = openSync(this.path, 'a', 0o644);
      this.closeFd();
      this.fd = fd;
      return true;
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException);
      return false;
    }
  }

  async close(): Promise<void> {
    this.flush();
    if (this.writing) await new Promise<void>((r) => this.drained.push(r));
    this.closed = true;
    if (this.failure?.timer) clearTimeout(this.failure.timer);
    if (this.pending !== '' && this.isFile()) {
      this.linesLost += this.pendingLines; // still failing at exit: nowhere left to put them
      if (this.failure) this.failure.lost += this.pendingLines;
    }
    this.pending = '';
    this.closeFd();
  }
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
