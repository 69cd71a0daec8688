// The two ways to replace a running generation without dropping a request: all at once (start N new
// workers, wait until every one is ready and warm, switch, drain the old ones) or rolling (one worker at a
// time). Either way a new worker that fails to boot or to warm up aborts the reload with the old ones
// still serving.
import type { AppSettings } from '../config/settings.js';
import { GantryError } from '../errors.js';
import type { WorkerRecord } from './worker-record.js';

export interface ReloadOps {
  readonly settings: AppSettings;
  /** A worker of the new generation for slot `id`: boot failures reject its `ready`, it takes no traffic yet. */
  spawn(id: number): WorkerRecord;
  retire(rec: WorkerRecord, reason: string, graceMs: number): Promise<void>;
  /** Every worker the arbiter has now. */
  live(): WorkerRecord[];
  /** Let a new worker take traffic. */
  switchIn(rec: WorkerRecord): void;
  /** Keep the arbiter from filling slots on its own while both generations are up. */
  holdSlots(hold: boolean): void;
}

export async function reloadGeneration(ops: ReloadOps): Promise<void> {
  ops.holdSlots(true);
  const fresh: WorkerRecord[] = [];
  try {
    for (let id = 1; id <= ops.settings.workers; id++) fresh.push(ops.spawn(id));
    await Promise.all(fresh.map((r) => r.ready));
    await warmup(ops.settings, fresh);
  } catch (err) {
    ops.holdSlots(false);
    await Promise.all(fresh.map((r) => ops.retire(r, 'reload-failed', 1000)));
    throw err;
  }
  const old = ops.live().filter((r) => !fresh.includes(r) && r.retiring === null);
  for (const r of fresh) ops.switchIn(r);
  ops.holdSlots(false);
  await Promise.all(old.map((r) => ops.retire(r, 'reload', ops.settings.gracefulTimeout * 1000)));
}

export async function reloadRolling(ops: ReloadOps): Promise<void> {
  const old = ops.live().filter((r) => r.retiring === null && r.replaceReason === null);
  for (const r of old) {
    if (r.retiring !== null) continue;
    const fresh = ops.spawn(r.id);
    try {
      await fresh.ready;
      await warmup(ops.settings, [fresh]);
    } catch (err) {
      await ops.retire(fresh, 'reload-failed', 1000);
      throw err;
    }
    ops.switchIn(fresh);
    await ops.retire(r, 'reload', ops.settings.gracefulTimeout * 1000);
  }
}

/** With --warmup-path, each new worker must answer GET PATH with a non-5xx status. */
async function warmup(settings: AppSettings, recs: readonly WorkerRecord[]): Promise<void> {
  const path = settings.warmupPath;
  if (path === '') return;
  const { warmupRequest } = await import('./warmup.js');
  const timeoutMs = Math.max(1000, (settings.timeout || 30) * 1000);
  await Promise.all(
    recs.map(async (r) => {
      const status = await warmupRequest(r.socketPath, path, timeoutMs);
      if (status >= 500) throw new GantryError('GANTRY_ERR_RELOAD_FAILED', `warm-up GET ${path} answered ${status} (worker ${r.id})`);
    }),
  );
}
