// The error log in gunicorn's shape: `[2026-11-24 01:02:03 +0000] [4121] [INFO] Listening at: …`, with
// a level threshold. Worker output carries its origin: `[worker 3 pid 4121]`.
import type { AppEvent, LogLevel, OutputLine } from '../runtime/types.js';
import type { LogFile } from './log-file.js';

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2026-11-24 01:02:03 +0000` in local time, as gunicorn's '%Y-%m-%d %H:%M:%S %z'. */
export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${off >= 0 ? '+' : '-'}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

export class ErrorLog {
  constructor(
    private readonly file: LogFile,
    public level: LogLevel = 'info',
    private readonly pid = process.pid,
  ) {}

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= LEVELS[this.level];
  }

  log(level: LogLevel, message: string, time = Date.now()): void {
    if (!this.enabled(level)) return;
    this.file.writeLine(`[${formatLogTime(time)}] [${this.pid}] [${level.toUpperCase()}] ${message}`);
  }

  /** App output: the worker's own lines are written as they are, tagged with where they came from. */
  output(line: OutputLine): void {
    if (line.source === 'gantry') {
      const origin = line.workerPid !== null ? `[worker ${line.workerId} pid ${line.workerPid}] ` : '';
      this.log(line.level, origin + line.text, line.time);
      return;
    }
    // The app's stderr is filtered as before its lines carried the level they state (stderr-entries.ts): as
    // 'error' inside a request and 'info' outside one, so an app's DEBUG lines still reach the file.
    const gate: LogLevel =
      line.source === 'stderr'
        ? line.requestId === null
          ? 'info'
          : 'error'
        : line.level === 'error' && line.requestId === null
          ? 'info'
          : line.level;
    if (!this.enabled(gate)) return;
    const origin = `[worker ${line.workerId ?? '?'} pid ${line.workerPid ?? '?'}]`;
    const rid = line.requestId !== null ? ` [${line.requestId}]` : '';
    // A grouped entry (a traceback) is one entry in the UI, but every line of it in the file keeps its
    // origin and request id, so `grep <request id>` finds the whole traceback.
    const prefix = `${origin}${rid} `;
    this.file.writeLine(prefix + (line.text.includes('\n') ? line.text.split('\n').join('\n' + prefix) : line.text));
  }

  /** What an app event says in the error log (a boot error's traceback is printed by whoever reports the failure). */
  event(e: AppEvent): void {
    switch (e.type) {
      case 'worker-exit':
        // Crashes are already reported by the supervisor's own line (and the worker's stderr before it).
        this.log('debug', `Worker ${e.workerId} (pid:${e.pid}) exited (${e.exit.reason})`);
        return;
      case 'timeout':
        this.log(
          'critical',
          `WORKER TIMEOUT (pid:${e.workerPid}) ${e.method} ${e.path} request ${e.requestId} after ${(e.durationMs / 1000).toFixed(1)}s`,
        );
        return;
      case 'reload':
        if (e.phase === 'failed')
          this.log('error', `Reload to generation ${e.generation} failed, the old workers keep serving: ${e.error?.message ?? ''}`);
        else this.log('info', `Reload ${e.phase} (generation ${e.generation}, ${e.mode})`);
        return;
      case 'scale':
        this.log('info', `Scaling workers ${e.from} -> ${e.to}`);
        return;
      case 'state':
        this.log('debug', `App state: ${e.state}`);
        return;
      default:
        return;
    }
  }

  reopen(): void {
    this.file.reopen();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
