// Memory of a server while it is benchmarked: the resident set of its leader (Gantry's gateway,
// gunicorn's arbiter, uWSGI's master) and of all its processes (leader + workers), from /proc.
import { readdirSync, readFileSync } from 'node:fs';

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // gone
  }
}

/** Every process below `root` (children, their children, …), from /proc/PID/stat's ppid. */
export function descendants(root) {
  return [...processTree(root)].filter((p) => p !== root);
}

/**
 * The leader's process group plus all its descendants: gunicorn's and uWSGI's workers share the group (the
 * servers are started detached, so pgid = leader pid), Gantry's workers get process groups of their own.
 */
function groupPids(pgid) {
  return [...processTree(pgid, pgid)];
}

/** `root`, its descendants and, when `pgid` is given, every member of that process group. */
function processTree(root, pgid = null) {
  const pids = new Set([root]);
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      if (pgid !== null && Number(rest[2]) === pgid) pids.add(pid);
      const ppid = Number(rest[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(pid);
    } catch {
      // exited while we looked
    }
  }
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      pids.add(c);
      walk(c);
    }
  };
  walk(root);
  return pids;
}

export function snapshot(leaderPid) {
  const pids = groupPids(leaderPid);
  const leader = rssKb(leaderPid);
  const total = pids.reduce((sum, p) => sum + rssKb(p), 0);
  return { leaderMB: leader / 1024, totalMB: total / 1024, processes: pids.length };
}

/** Samples every `everyMs` until stop() is called; returns the peaks. */
export function sampler(leaderPid, everyMs = 250) {
  let peak = snapshot(leaderPid);
  const timer = setInterval(() => {
    const s = snapshot(leaderPid);
    peak = {
      leaderMB: Math.max(peak.leaderMB, s.leaderMB),
      totalMB: Math.max(peak.totalMB, s.totalMB),
      processes: Math.max(peak.processes, s.processes),
    };
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
