// When a process started, as the OS says it, so a lock names its holder by pid AND start time: a pid reused by
// another process is then not mistaken for the holder. Linux: field 22 of /proc/PID/stat (clock ticks since boot);
// macOS and BSDs: `ps -o lstart=`; Windows: milliseconds since the epoch ("win:MS") — for this process from its own
// clock, for another from PowerShell's Get-Process (only asked when a lock is found, so a start pays nothing).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Windows start times from two sources (this process's clock, Get-Process) agree within this. */
const WINDOWS_START_TOLERANCE_MS = 1000;

/** The start time of `pid`, opaque but comparable with sameStart(); null when it cannot be told. */
export function processStartTime(pid: number, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last ')'.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
    } catch {
      return null;
    }
  }
  if (platform === 'win32') {
    if (pid === process.pid) return `win:${Math.round(Date.now() - process.uptime() * 1000)}`;
    try {
      const out = execFileSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', windowsStartCommand(pid)], {
        encoding: 'utf8',
        timeout: 15_000,
        windowsHide: true,
      });
      const ms = parseWindowsStart(out);
      return ms === null ? null : `win:${ms}`;
    } catch {
      return null;
    }
  }
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 }).trim() || null;
  } catch {
    return null;
  }
}

/** PowerShell that prints the process's start time in ms since the epoch (StartTime is local time: offset applied). */
export function windowsStartCommand(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new RangeError(`not a pid: ${pid}`);
  return `[DateTimeOffset]::new((Get-Process -Id ${pid} -ErrorAction Stop).StartTime).ToUnixTimeMilliseconds()`;
}

/** What windowsStartCommand printed, as ms since the epoch; null for anything else (an error, nothing). */
export function parseWindowsStart(stdout: string): number | null {
  const text = stdout.trim();
  if (!/^\d{1,16}$/.test(text)) return null;
  const ms = Number(text);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/**
 * Whether the start time recorded in a lock is the one `pid` has now. Unknown now (the command failed): yes — the
 * pid alone decides, never taking a live holder's lock for a missing tool.
 */
export function sameStart(recorded: string, now: string | null): boolean {
  if (now === null) return true;
  if (recorded.startsWith('win:') && now.startsWith('win:')) {
    return Math.abs(Number(recorded.slice(4)) - Number(now.slice(4))) <= WINDOWS_START_TOLERANCE_MS;
  }
  return recorded === now;
}
