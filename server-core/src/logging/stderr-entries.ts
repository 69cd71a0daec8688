// What an app's stderr line says about its own level, and a Python traceback kept together as one entry.
// Classified here, where stderr becomes OutputLines, so the API, the SSE stream and the log files agree.
// Everything on stderr used to be ERROR; most of it is logging at INFO/WARNING or plain text.
import type { LogLevel } from '../runtime/types.js';
import { IDLE_FLUSH_MS } from './line-splitter.js';

const NAMES: Readonly<Record<string, LogLevel>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warning',
  WARN: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
  FATAL: 'critical',
  EXCEPTION: 'error',
};
/** logging.BASIC_FORMAT `%(levelname)s:%(name)s:%(message)s`, and `WARNING: …` / `ERROR …` prefixes. */
const PREFIX = /^(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)(?::|\s)/;
/**
 * A level name as a token near the start of a formatted line: gunicorn's `[date] [pid] [INFO]`, `asctime -
 * name - WARNING - msg`, `2026-… ERROR …`. Upper case only, so prose ("an error occurred") stays neutral.
 */
const TOKEN = /(?:^|[\s[\-|(])(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|EXCEPTION)(?=[\s\]\-|:)]|$)/;
/** How far into a line a level token counts (past it, the word is part of the message). */
const TOKEN_WINDOW = 80;
/** The warnings module: `/path/app.py:12: DeprecationWarning: …`. */
const PY_WARNING = /^\S.*:\d+: [A-Za-z]*Warning: /;
const TRACEBACK_HEAD = /^(Traceback \(most recent call last\):|Exception in thread .*:)$/;
const FATAL_PYTHON = /^Fatal Python error: /;

/** The level a single stderr line states; a line that states none is 'info' (neutral, never ERROR). */
export function stderrLevel(text: string): LogLevel {
  const p = PREFIX.exec(text);
  if (p) return NAMES[p[1]!]!;
  const t = TOKEN.exec(text.slice(0, TOKEN_WINDOW));
  if (t) return NAMES[t[1]!]!;
  if (PY_WARNING.test(text)) return 'warning';
  if (FATAL_PYTHON.test(text)) return 'critical';
  return 'info';
}

/** A traceback longer than this is emitted in parts (bounded memory whatever the app prints). */
const MAX_GROUP_LINES = 400;
const MAX_GROUP_CHARS = 64 * 1024;

/**
 * Turns stderr lines into entries: each line its own entry with its stated level, except a Python
 * traceback (`Traceback (most recent call last):` through the unindented exception line, chained
 * tracebacks included), which is one ERROR entry together with the ERROR line just before it (what
 * logger.exception() writes). An ERROR line waits for the next line (or IDLE_FLUSH_MS) to know. A traceback cut short (the stream stops, or goes quiet
 * for IDLE_FLUSH_MS) is emitted as far as it got.
 */
export class StderrEntries {
  private group: string[] = [];
  private chars = 0;
  /** After the exception line: a blank line or "During handling…" continues a chained traceback. */
  private ended = false;
  /** The group is one ERROR line so far, waiting to see whether a traceback follows it. */
  private held = false;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly onEntry: (text: string, level: LogLevel) => void,
    private readonly idleFlushMs = IDLE_FLUSH_MS,
  ) {}

  push(line: string): void {
    if (this.group.length === 0) {
      if (TRACEBACK_HEAD.test(line)) {
        this.add(line);
        return;
      }
      const level = stderrLevel(line);
      if (level === 'error' || level === 'critical') {
        // logger.exception(): its message line, then the traceback. Held briefly so they are one entry.
        this.add(line);
        this.held = true;
      } else this.onEntry(line, level);
      return;
    }
    if (this.held) {
      if (!TRACEBACK_HEAD.test(line)) {
        this.flush();
        this.push(line);
        return;
      }
      this.held = false;
      this.add(line);
      return;
    }
    if (this.ended) {
      // A chained traceback goes on with a blank line, its "During handling…" / "The above exception…"
      // sentence, and a new head; anything else ends the entry.
      if (
        line === '' ||
        /^(During handling of the above exception|The above exception was the direct cause)/.test(line) ||
        TRACEBACK_HEAD.test(line)
      ) {
        this.ended = false;
        this.add(line);
        return;
      }
      this.flush();
      this.push(line);
      return;
    }
    this.add(line);
    // Frames and source lines are indented; the first unindented line is the exception itself.
    if (line !== '' && !/^\s/.test(line) && !TRACEBACK_HEAD.test(line)) this.ended = true;
    if (this.group.length >= MAX_GROUP_LINES || this.chars >= MAX_GROUP_CHARS) this.flush();
  }

  /** The stream ended: a traceback in progress is an entry. */
  end(): void {
    this.flush();
  }

  private add(line: string): void {
    this.group.push(line);
    this.chars += line.length + 1;
    if (this.idleFlushMs <= 0) return;
    if (this.idle) this.idle.refresh();
    else {
      this.idle = setTimeout(() => {
        this.idle = null;
        this.flush();
      }, this.idleFlushMs);
      this.idle.unref();
    }
  }

  private flush(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.group.length === 0) return;
    // Trailing blank lines (a chain that never came) are not part of the entry.
    while (this.group.length > 1 && this.group[this.group.length - 1] === '') this.group.pop();
    const text = this.group.join('\n');
    const level = this.held ? stderrLevel(text) : 'error';
    this.group = [];
    this.chars = 0;
    this.ended = false;
    this.held = false;
    this.onEntry(text, level);
  }
}
