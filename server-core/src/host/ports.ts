// Port checks before a start: is a bind free (we try to listen), who holds it (Linux /proc, else lsof),
// and which port near it is free. Null holder means the OS did not tell us (no /proc, no lsof); another user's
// process is named by its user only.
import fs from 'node:fs/promises';
import dns from 'node:dns';
import net from 'node:net';
import path from 'node:path';
import type { PortHolder } from '../control/contract.js';

export type BindProbe = { free: true } | { free: false; code: string; message: string };

/** Tries to listen on host:port and closes at once. */
export function probeBind(host: string, port: number): Promise<BindProbe> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (e: NodeJS.ErrnoException) => resolve({ free: false, code: e.code ?? 'ERROR', message: e.message }));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ free: true })));
  });
}

const LOOKUP_LIMIT_MS = 3000;

/** A host name's first address, bounded: an unreachable resolver answers in ~35 s, this says so in 3. */
function resolveBounded(host: string, ms = LOOKUP_LIMIT_MS): Promise<{ address: string } | { error: string }> {
  if (net.isIP(host)) return Promise.resolve({ address: host });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ error: `${host} cannot be resolved (no answer within ${ms / 1000} s)` }), ms);
    timer.unref();
    dns.lookup(host, (err, address) => {
      clearTimeout(timer);
      resolve(err ? { error: `${host} cannot be resolved (${(err as NodeJS.ErrnoException).code ?? err.message})` } : { address });
    });
  });
}

/** Why a failed listen failed, in words a user can act on. */
function bindFailureReason(host: string, port: number, code: string, message: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return `${host}:${port} is in use`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine`;
    case 'EACCES':
      return port < 1024 ? `port ${port} needs privileges (ports below 1024)` : `not allowed to listen on ${host}:${port}`;
    default:
      return message;
  }
}

/**
 * Is HOST:PORT usable, and if not why: the name resolved within a bound (never the resolver's 35 s), then a
 * listen on the address.
 */
export async function explainBind(host: string, port: number): Promise<{ free: true } | { free: false; code: string; reason: string }> {
  const resolved = await resolveBounded(host);
  if ('error' in resolved) return { free: false, code: 'ENOTFOUND', reason: resolved.error };
  const probe = await probeBind(resolved.address, port);
  return probe.free ? probe : { free: false, code: probe.code, reason: bindFailureReason(host, port, probe.code, probe.message) };
}

/** Whether a unix socket can be bound at path, and if not why (an existing file is never replaced). */
export async function explainUnixBind(file: string): Promise<{ free: true } | { free: false; code: string; reason: string }> {
  const st = await fs.lstat(file).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    if ((st as NodeJS.ErrnoException).code !== 'ENOENT')
      return { free: false, code: (st as NodeJS.ErrnoException).code ?? 'ERROR', reason: st.message };
    const dir = await fs.stat(path.dirname(file)).catch(() => null);
    return dir?.isDirectory() ? { free: true } : { free: false, code: 'ENOENT', reason: `the folder ${path.dirname(file)} does not exist` };
  }
  if (!st.isSocket())
    return {
      free: false,
      code: 'EEXIST',
      reason: `${file} is a ${st.isDirectory() ? 'folder' : 'file'}, not a socket; it is not replaced`,
    };
  const live = await new Promise<boolean>((resolve) => {
    const c = net.connect({ path: file });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
  return live ? { free: false, code: 'EADDRINUSE', reason: `${file} is in use (a process answers on it)` } : { free: true };
}

/** The first port after `from` (within `span`) that is free on host and not in `exclude`; null if none. */
export async function nextFreePort(
  host: string,
  from: number,
  exclude: ReadonlySet<number> = new Set(),
  span = 200,
): Promise<number | null> {
  for (let p = from + 1; p <= Math.min(65535, from + span); p++) {
    if (exclude.has(p)) continue;
    if ((await probeBind(host, p)).free) return p;
  }
  return null;
}

export async function findPortHolder(port: number): Promise<PortHolder | null> {
  if (process.platform === 'linux') {
    const h = await holderFromProc(port).catch(() => null);
    if (h) return h;
  }
  return holderFromLsof(port);
}

/**
 * /proc/net/tcp{,6}: listening sockets (state 0A) by local port -> inode and owner uid; then /proc/PID/fd links
 * -> pid. The owner is readable for every socket, the pid only for processes we may look into.
 */
async function holderFromProc(port: number): Promise<PortHolder | null> {
  const inodes = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const localPort = parseInt(cols[1]!.split(':')[1] ?? '', 16);
      if (localPort === port) inodes.set(cols[9]!, Number(cols[7]));
    }
  }
  if (inodes.size === 0) return null;
  const owner = await userName(inodes.values().next().value!);
  const pids = (await fs.readdir('/proc')).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await fs.readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      const link = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) {
        const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        return { pid: Number(pid), command: cmd.split('\0').filter(Boolean).join(' ') || null, user: owner };
      }
    }
  }
  // Someone listens, but we may not look into their process: say whose it is.
  return { pid: null, command: null, user: owner };
}

/** A uid's name from /etc/passwd, else "uid N". */
async function userName(uid: number): Promise<string> {
  const passwd = await fs.readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length > 2 && Number(f[2]) === uid && f[0]) return f[0];
  }
  return `uid ${uid}`;
}

async function holderFromLsof(port: number): Promise<PortHolder | null> {
  // Loaded here, not at the top: off Linux only, and this module otherwise needs nothing but node:* (a test runs a
  // copy of it as another user, away from node_modules).
  const { runTool } = await import('../subprocess.js');
  const { stdout } = await runTool('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { timeoutMs: 3000 });
  const pid = /^p(\d+)/m.exec(stdout)?.[1];
  const cmd = /^c(.+)$/m.exec(stdout)?.[1];
  return pid ? { pid: Number(pid), command: cmd ?? null, user: null } : null;
}
