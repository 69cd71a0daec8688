// A log destination: "-" for the process's stdout/stderr, else a file opened for append. Lines are
// batched per tick (one write for many access lines under load) and the file can be reopened (USR1),
// which is what logrotate's copy-less rotation needs.
import { createWriteStream, type WriteStream } from 'node:fs';

export class LogFile {
  private stream: WriteStream | null = null;
  private pending = '';
  private scheduled = false;
  /** Streams being closed after a reopen: close() waits for them too. */
  private closing: Array<Promise<void>> = [];

  /** `fallback` is the std stream "-" means. */
  constructor(
    readonly path: string,
    private readonly fallback: NodeJS.WritableStream,
  ) {
    this.open();
  }

  private open(): void {
    if (this.path === '-' || this.path === '') return;
    this.stream = createWriteStream(this.path, { flags: 'a' });
    this.stream.on('error', (err) => {
      this.fallback.write(`gantry: cannot write ${this.path}: ${err.message}\n`);
    });
  }

  /** Resolves once the file is open (at once for "-"). */
  opened(): Promise<void> {
    const s = this.stream;
    if (s === null || !s.pending) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('ready', () => resolve());
      s.once('error', () => resolve());
    });
  }

  writeLine(line: string): void {
    this.pending += line + '\n';
    if (this.pending.length > 65536) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    (this.stream ?? this.fallback).write(text);
  }

  /** Closes and opens the file again (after it was moved away by log rotation). */
  reopen(): void {
    this.flush();
    const old = this.stream;
    if (old === null) return;
    this.closing.push(new Promise((resolve) => old.end(resolve)));
    this.open();
  }

  async close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = null;
    await Promise.all(this.closing.splice(0));
    if (s !== null) await new Promise<void>((resolve) => s.end(resolve));
  }
}
