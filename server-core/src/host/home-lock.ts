// One Host per config folder: GANTRY_HOME/host.lock, created with O_EXCL before anything in the folder is read, held
// until the Host closes. It names its holder by pid AND the process's start time (process-start.ts; on Linux, the boot
// too), so a lock left by a killed process is recognised as stale even when its pid has since been reused.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GantryError } from '../errors.js';
import { LOCK_FILE } from './paths.js';
import { processStartTime, sameStart } from './process-start.js';

export interface LockHolder {
  readonly pid: number;
  /** The process's start time as the OS reports it (opaque; compared for equality), or null where unknown. */
  readonly processStart: string | null;
  readonly bootId: string | null;
  /** What holds it, for the message another start prints (`gantry ui`, `Gantry desktop`, a test). */
  readonly what: string;
  readonly startedAt: number;
}

export interface HomeLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Whether the process that wrote `holder` still runs: same pid, same start time, same boot. */
function holderAlive(holder: LockHolder): boolean {
  if (holder.bootId !== null && bootId() !== null && holder.bootId !== bootId()) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: a process with that pid exists (another user's); the start time decides.
  }
  if (holder.processStart === null) return true; // written where the start time was unknown: pid alone
  return sameStart(holder.processStart, processStartTime(holder.pid));
}

/** "gantry ui (pid 123, started 2026-…)" */
export function describeHolder(h: LockHolder): string {
  return `${h.what} (pid ${h.pid}, started ${new Date(h.startedAt).toISOString()})`;
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const h = JSON.parse(await fs.readFile(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null; // missing, or half-written by a holder that died between create and write
  }
}

/**
 * Takes the lock on `home` or throws GANTRY_ERR_HOME_LOCKED naming the live holder. A stale lock (its holder is
 * gone, or its pid now belongs to another process) is taken over.
 */
export async function lockHome(home: string, what: string): Promise<HomeLock> {
  await fs.mkdir(home, { recursive: true, mode: 0o700 });
  const file = path.join(home, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, processStart: processStartTime(process.pid), bootId: bootId(), what, startedAt: Date.now() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fh = await fs.open(file, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(me) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      return { file, holder: me, release: () => releaseLock(file, me) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(file);
    if (holder && holderAlive(holder)) {
      throw new GantryError('GANTRY_ERR_HOME_LOCKED', `another Gantry already runs for ${home}: ${describeHolder(holder)}`, {
        home,
        file,
        holder,
      });
    }
    if (!holder) {
      // Unreadable: either being written right now by a starting holder, or left empty by one that died at once.
      // Decide by age, so a start racing us is never mistaken for a stale lock.
      const st = await fs.stat(file).catch(() => null);
      if (st && Date.now() - st.mtimeMs < 2000) {
        await new Promise((r) => setTimeout(r, 200)); // bounded: five attempts at most
        continue;
      }
    }
    await takeOver(file, holder);
  }
  const holder = await readHolder(file);
  throw new GantryError('GANTRY_ERR_HOME_LOCKED', `could not take the lock ${file}${holder ? ` held by ${describeHolder(holder)}` : ''}`, {
    home,
    file,
    holder,
  });
}

/**
 * Removes a stale lock without ever removing a live one: move it aside (atomic), check that what was moved is the
 * stale holder read before (another start may have replaced it meanwhile), and put a live one back.
 */
async function takeOver(file: string, stale: LockHolder | null): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else cleared it: retry the create
    throw e;
  }
  const moved = await readHolder(aside);
  const same = moved === null ? stale === null : stale !== null && moved.pid === stale.pid && moved.startedAt === stale.startedAt;
  if (!same && moved && holderAlive(moved)) {
    // We moved a live holder's fresh lock: give it back (link fails if yet another start took the name meanwhile).
    await fs.link(aside, file).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

async function releaseLock(file: string, me: LockHolder): Promise<void> {
  const holder = await readHolder(file);
  if (holder && holder.pid === me.pid && holder.startedAt === me.startedAt) await fs.rm(file, { force: true });
}
