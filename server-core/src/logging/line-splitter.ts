// Splits a worker's output bytes (stdout, stderr, FCGI_STDERR) into log lines in linear time and bounded
// memory, whatever the app writes: a line ends at \n, \r\n or a lone \r (a progress bar redrawing itself);
// a line longer than MAX_LINE_BYTES keeps its first MAX_LINE_BYTES and a marker with the count of bytes
// cut; a line left unterminated is flushed after IDLE_FLUSH_MS of quiet, so it shows while the app waits.

/** As Docker's json-file log driver, which splits lines at 16 KiB. */
export const MAX_LINE_BYTES = 16 * 1024;
export const IDLE_FLUSH_MS = 250;

/** What an output line weighs in a byte-bounded history: its text (at most about MAX_LINE_BYTES) and the record. */
export function outputLineBytes(line: { readonly text: string }): number {
  return line.text.length + 128;
}

/** What a cut line ends with: the number of bytes left out. */
export function truncationMarker(cutBytes: number): string {
  return ` … [${cutBytes} bytes truncated]`;
}

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
/** A line buffer grown past this (a long control line) is let go once its line is emitted. */
const KEEP_LINE_BUFFER = 64 * 1024;
const CR = 0x0d;

export interface LineSplitterOptions {
  readonly maxLineBytes?: number;
  /** 0 turns the idle flush off (the caller flushes at the end). */
  readonly idleFlushMs?: number;
}

export class LineSplitter {
  private readonly maxLine: number;
  private readonly idleMs: number;
  /**
   * The kept head of the current line (its first `kept` bytes), at most maxLine bytes: a copy, so the
   * caller may read its next chunk into the same buffer (supervisor/worker-process.ts does).
   */
  private line: Buffer = EMPTY;
  private kept = 0;
  /** Bytes of the current line past maxLine, dropped and counted. */
  private cut = 0;
  /** The last line ended with a lone \r: a \n right after it belongs to that line end. */
  private afterCR = false;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly onLine: (line: string) => void,
    opts: LineSplitterOptions = {},
  ) {
    this.maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
    this.idleMs = opts.idleFlushMs ?? IDLE_FLUSH_MS;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const n = chunk.length;
    if (this.afterCR && n > 0) {
      if (chunk[0] === LF) pos = 1;
      this.afterCR = false;
    }
    // Each end-of-line search starts where the last one stopped: every byte is looked at once.
    let lf = chunk.indexOf(LF, pos);
    let cr = chunk.indexOf(CR, pos);
    while (pos < n) {
      if (lf !== -1 && lf < pos) lf = chunk.indexOf(LF, pos);
      if (cr !== -1 && cr < pos) cr = chunk.indexOf(CR, pos);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.keep(chunk, pos, n);
        break;
      }
      this.keep(chunk, pos, end);
      if (chunk[end] === CR) {
        if (end + 1 < n) {
          pos = chunk[end + 1] === LF ? end + 2 : end + 1;
        } else {
          pos = n;
          this.afterCR = true;
        }
        // A carriage return on an empty line moves nothing: not a line of its own.
        if (this.kept === 0 && this.cut === 0 && chunk[end + 1] !== LF) continue;
      } else {
        pos = end + 1;
      }
      this.emit();
    }
    this.armIdle();
  }

  /** The stream ended: the unterminated rest, if any, is a line. */
  end(): void {
    this.disarmIdle();
    if (this.kept > 0 || this.cut > 0) this.emit();
  }

  /** Forget the rest without emitting it (the consumer is gone). */
  dispose(): void {
    this.disarmIdle();
    this.line = EMPTY;
    this.kept = 0;
    this.cut = 0;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    const room = this.maxLine - this.kept;
    const take = Math.min(room, len);
    if (take > 0) {
      if (this.line.length < this.kept + take) {
        const grown = Buffer.allocUnsafe(Math.min(this.maxLine, Math.max(256, 2 * (this.kept + take))));
        this.line.copy(grown, 0, 0, this.kept);
        this.line = grown;
      }
      chunk.copy(this.line, this.kept, from, from + take);
      this.kept += take;
    }
    this.cut += len - take;
  }

  private emit(): void {
    let buf = this.line.subarray(0, this.kept);
    const cut = this.cut;
    if (cut > 0) {
      // Cut on a character boundary: a character split by the cap goes with the cut part.
      let lead = buf.length - 1;
      while (lead > 0 && buf.length - lead < 4 && (buf[lead]! & 0xc0) === 0x80) lead--;
      const b = buf[lead] ?? 0;
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (buf.length - lead < need) buf = buf.subarray(0, lead);
    }
    const text = buf.toString('utf8');
    const cutAll = cut + (this.kept - buf.length);
    if (this.line.length > KEEP_LINE_BUFFER) this.line = EMPTY;
    this.kept = 0;
    this.cut = 0;
    this.onLine(cutAll > 0 ? text + truncationMarker(cutAll) : text);
  }

  private armIdle(): void {
    if (this.idleMs <= 0) return;
    if (this.kept === 0 && this.cut === 0) {
      this.disarmIdle();
      return;
    }
    if (this.idle) this.idle.refresh();
    else {
      this.idle = setTimeout(() => {
        this.idle = null;
        if (this.kept > 0 || this.cut > 0) this.emit();
      }, this.idleMs);
      this.idle.unref();
    }
  }

  private disarmIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }
}
