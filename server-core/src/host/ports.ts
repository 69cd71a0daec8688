// Port checks before a start: is a bind free (we try to listen), who holds it (Linux /proc, else lsof),
// and which port near it is free. Null holder means the OS did not tell us (no /proc, no lsof); another user's
// process is named by its user only.
import fs from 'node:fs/promises';
import net from 'node:net';
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

/** The first port after `from` (within `span`) that is free on host and not in `exclude`; null if none. */
export async function nextFreePort(host: string, from: number, exclude: ReadonlySet<number> = new Set(), span = 200): Promise<number | null> {
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
