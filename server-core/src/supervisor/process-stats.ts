// RSS and CPU% of worker processes, for WorkerSnapshot.rssBytes/cpuPercent and `--max-worker-rss` recycling.
// Wiring: one `createProcessSampler()` per supervisor; every ~2 s: `const stats = await sampler.sample(pids)`,
// then for each worker `stats.get(pid)` → null means the pid is gone (let the exit handler deal with it);
// `sampler.forget(pid)` when a worker is reaped; a baseline not sampled for BASELINE_TTL_MS is dropped anyway, so a
// reaped worker's entry never lingers even when nobody calls forget (the runtime samples one pid at a time).
// Linux reads /proc/<pid>/stat and /proc/<pid>/statm (no child process per poll); elsewhere one `ps` call.
import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** stdout of a short command, '' when it fails (node:child_process: execa would cost the gateway ~13 MB). */
function run(cmd: string, args: readonly string[], timeout: number): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout, encoding: 'utf8' }, (err, stdout) => resolve({ ok: err === null, stdout: String(stdout ?? '') }));
  });
}

interface ProcessStat {
  readonly pid: number;
  readonly rssBytes: number;
  /** CPU use since the previous sample of this pid (100 = one core busy); null on the first sample. */
  readonly cpuPercent: number | null;
}

export interface ProcessSampler {
  /** One entry per pid asked for; null when the process no longer exists (or is a zombie). */
  sample(pids: readonly number[]): Promise<Map<number, ProcessStat | null>>;
  forget(pid: number): void;
  /** How many pids hold a CPU baseline (for tests: it must not grow with every worker ever sampled). */
  readonly tracked: number;
}

/** A baseline older than this is of a process nobody samples any more (workers are sampled every ~2 s). */
export const BASELINE_TTL_MS = 60_000;

export interface ProcessSamplerOptions {
  /** 'linux' uses /proc; anything else uses ps. Default process.platform. */
  readonly platform?: NodeJS.Platform;
  /** Clock in ms. Default performance.now. */
  readonly now?: () => number;
}

interface Baseline {
  readonly startTime: string; // /proc starttime: tells a reused pid from the process we sampled before
  readonly cpuTicks: number;
  readonly at: number;
}

export function createProcessSampler(options: ProcessSamplerOptions = {}): ProcessSampler {
  const platform = options.platform ?? process.platform;
  const now = options.now ?? (() => performance.now());
  return platform === 'linux' ? procSampler(now) : psSampler();
}

// Asked once, lazily: both are fixed for the life of the machine. 100 and 4096 are what every Linux we ship to uses.
let sysconf: Promise<{ ticks: number; pageSize: number }> | null = null;
function linuxSysconf(): Promise<{ ticks: number; pageSize: number }> {
  sysconf ??= (async () => {
    const ask = async (name: string, fallback: number) => {
      const r = await run('getconf', [name], 2000);
      const n = Number(r.stdout.trim());
      return r.ok && Number.isFinite(n) && n > 0 ? n : fallback;
    };
    return { ticks: await ask('CLK_TCK', 100), pageSize: await ask('PAGESIZE', 4096) };
  })();
  return sysconf;
}

/**
 * One worker's RSS, read synchronously where it is cheap: a descriptor on /proc/PID/statm held open and read again
 * from offset 0 (one pread, ~3 µs), so `--max-worker-rss` can look at a worker after every request it completes,
 * before it is given another. The descriptor stays bound to the process it was opened for (a reused pid is another
 * process): once that one is gone, read() answers null.
 */
export interface RssReader {
  read(): number | null;
  close(): void;
}

/** Opens RssReaders (Linux); null elsewhere, where only the periodic sample (one `ps` call) knows a worker's RSS. */
export async function rssReaders(platform: NodeJS.Platform = process.platform): Promise<((pid: number) => RssReader | null) | null> {
  if (platform !== 'linux') return null;
  const { pageSize } = await linuxSysconf();
  return (pid) => {
    let fd: number;
    try {
      fd = openSync(`/proc/${pid}/statm`, 'r');
    } catch {
      return null;
    }
    const buf = Buffer.alloc(128);
    let open = true;
    return {
      read() {
        if (!open) return null;
        let n: number;
        try {
          n = readSync(fd, buf, 0, buf.length, 0);
        } catch {
          return null; // ESRCH: the process is gone
        }
        // "size resident shared …" in pages: the second field.
        const text = buf.subarray(0, n);
        const from = text.indexOf(0x20) + 1;
        const to = text.indexOf(0x20, from);
        const pages = from > 0 && to > from ? Number(text.toString('latin1', from, to)) : NaN;
        return Number.isFinite(pages) ? pages * pageSize : null;
      },
      close() {
        if (!open) return;
        open = false;
        closeSync(fd);
      },
    };
  };
}

function procSampler(now: () => number): ProcessSampler {
  const baselines = new Map<number, Baseline>();

  async function one(pid: number, ticks: number, pageSize: number): Promise<ProcessStat | null> {
    let stat: string;
    let statm: string;
    try {
      [stat, statm] = await Promise.all([readFile(`/proc/${pid}/stat`, 'latin1'), readFile(`/proc/${pid}/statm`, 'latin1')]);
    } catch {
      baselines.delete(pid);
      return null;
    }
    const at = now();
    // The command name (field 2) is in parentheses and may itself contain spaces or ')': split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') {
      baselines.delete(pid);
      return null;
    }
    const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of proc(5))
    const startTime = fields[19]!; // field 22
    const rssBytes = Number(statm.split(' ')[1]) * pageSize;
    const prev = baselines.get(pid);
    baselines.set(pid, { startTime, cpuTicks, at });
    let cpuPercent: number | null = null;
    if (prev !== undefined && prev.startTime === startTime && at > prev.at) {
      cpuPercent = Math.max(0, ((cpuTicks - prev.cpuTicks) / ticks / ((at - prev.at) / 1000)) * 100);
    }
    return { pid, rssBytes, cpuPercent };
  }

  return {
    async sample(pids) {
      const { ticks, pageSize } = await linuxSysconf();
      const stale = now() - BASELINE_TTL_MS;
      for (const [pid, b] of baselines) if (b.at < stale) baselines.delete(pid);
      const results = await Promise.all(pids.map((pid) => one(pid, ticks, pageSize)));
      return new Map(pids.map((pid, i) => [pid, results[i]!]));
    },
    forget(pid) {
      baselines.delete(pid);
    },
    get tracked() {
      return baselines.size;
    },
  };
}

// macOS/BSD: `ps` reports pcpu as a decaying recent average already, so no baseline is needed.
function psSampler(): ProcessSampler {
  return {
    async sample(pids) {
      const out = new Map<number, ProcessStat | null>(pids.map((p) => [p, null]));
      if (pids.length === 0) return out;
      const r = await run('ps', ['-o', 'pid=,rss=,pcpu=,stat=', '-p', pids.join(',')], 5000);
      for (const line of r.stdout.split('\n')) {
        const [pidText, rss, pcpu, st] = line.trim().split(/\s+/);
        const pid = Number(pidText);
        if (!out.has(pid) || st?.startsWith('Z')) continue;
        out.set(pid, { pid, rssBytes: Number(rss) * 1024, cpuPercent: Number(pcpu) });
      }
      return out;
    },
    forget() {},
    tracked: 0,
  };
}
