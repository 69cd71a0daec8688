// CPU time of processes and threads from Linux /proc, for benches that ask "what did this cost" without a
// profiler in the way: the Host, Chromium's processes, and Chromium's threads by name.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** user + system clock ticks in a /proc/…/stat line (fields 14 and 15). */
function statTicks(stat) {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** CPU seconds (user + system) the processes have used so far. */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      ticks += statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

/** CPU seconds of this process's children that have exited and been waited for (wrk after a run). */
export function reapedChildrenCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** Chromium's processes (browser, renderers, GPU, utilities): descendants of `root` whose command is chromium. */
export function chromiumPids(root = process.pid) {
  // By the executable, not the command line: a Host whose --home path says "chromium" is not Chromium.
  return descendantPids(root).filter((pid) => {
    try {
      return path.basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('chrom');
    } catch {
      return false;
    }
  });
}

/** Every live descendant of `root` (children, their children…). */
export function descendantPids(root) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(d);
    } catch {
      // exited
    }
  }
  const out = [];
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(String(root));
  return out;
}

/** A Chromium process's kind from its command line: renderer, gpu-process, utility, zygote… or browser. */
function processKind(pid) {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
}

/**
 * Ticks per "kind/thread name" over the given processes (thread names with their trailing numbers folded:
 * CompositorTileW1…4 are one row), so two readings subtract into where the CPU went.
 */
export function threadTicks(pids) {
  const out = new Map();
  for (const pid of pids) {
    const kind = processKind(pid);
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
        // Keyed by thread id too: a thread that exits between readings must not make the sum go backwards.
        out.set(`${kind}/${name}\t${tid}`, statTicks(stat));
      } catch {
        // exited
      }
    }
  }
  return out;
}

/** CPU seconds per "kind/thread" between two threadTicks readings, largest first. */
export function threadDelta(before, after) {
  const sums = new Map();
  for (const [key, t] of after) {
    const d = t - (before.get(key) ?? 0);
    if (d <= 0) continue;
    const name = key.slice(0, key.indexOf('\t'));
    sums.set(name, (sums.get(name) ?? 0) + d / 100);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}
