// Starting one app of the Host: settings checked whole, its binds free, the runtime made, its log files and metrics
// listener opened, then the workers started. A failure at any step is kept on the slot (the status says why) and
// releases what the step before took.
import { appSettingsSchema, type AppSettings } from '../config/settings.js';
import { folderProblem } from '../config/folder-check.js';
import type { AppDefinition } from '../config/app-definition.js';
import type { Notice } from '../control/contract.js';
import { GantryError, serializeError } from '../errors.js';
import { describeLogTrouble } from '../logging/log-file.js';
import type { AppRuntime } from '../runtime/types.js';
import { openAppLogSinks, type AppLogSinks } from './app-log-sinks.js';
import type { AppSlot } from './app-slot.js';
import { invalid } from './definitions.js';
import { conflictError, findBindConflict } from './port-guard.js';

export type RuntimeFactory = (settings: AppSettings) => AppRuntime | Promise<AppRuntime>;

export interface StartContext {
  /** Every app of the Host, for the bind check. */
  readonly slots: Iterable<AppSlot>;
  readonly definitions: readonly AppDefinition[];
  readonly createRuntime: RuntimeFactory;
  readonly notice: (n: Notice) => void;
  /** Called once the runtime is attached to the slot, before its workers start (the site table changes). */
  readonly attached: () => void;
}

/** Starts the slot's app with these settings (the caller holds the app's serial lock). */
export async function startSlot(slot: AppSlot, profile: string, settings: AppSettings, ctx: StartContext): Promise<void> {
  const full = appSettingsSchema.safeParse(settings);
  if (!full.success) throw invalid(full.error, 'settings');
  const chdirProblem = full.data.chdir ? folderProblem(full.data.chdir) : null;
  if (chdirProblem) throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `chdir: ${chdirProblem}`, { field: 'chdir', reason: chdirProblem });
  const previous = slot.runtime;
  // A previous runtime (failed, or stopped) may still hold sockets: release them before checking the binds.
  if (previous && !slot.isActive()) await previous.stop({ graceful: false }).catch(() => undefined);
  await checkBindsFree(slot, settings, ctx);
  let runtime: AppRuntime;
  try {
    runtime = await ctx.createRuntime(full.data);
  } catch (e) {
    throw failed(slot, e);
  }
  let sinks: AppLogSinks;
  try {
    // Log files and the metrics listener first, as gantry serve: /healthz answers 503 while workers boot.
    sinks = await openAppLogSinks(runtime, full.data, (t) =>
      ctx.notice({
        code: 'GANTRY_ERR_LOG_WRITE',
        message: `${slot.def.name}: ${describeLogTrouble(t)}`,
        time: Date.now(),
        details: { appId: slot.def.id, ...t },
      }),
    );
  } catch (e) {
    throw failed(slot, e);
  }
  slot.attach(runtime, profile, sinks);
  ctx.attached();
  slot.scaled = null; // a fresh start runs the saved worker count
  slot.publishStatus();
  try {
    await runtime.start();
  } catch (e) {
    // Stopped while starting (Host.stop): that is no failure to show, the stop queued behind says "stopped".
    if (!slot.stopRequested) slot.lastError = serializeError(e);
    // Release whatever the failed start holds (listeners, socket folder); status keeps saying "failed".
    await runtime.stop({ graceful: false }).catch(() => undefined);
    await slot.closeSinks();
    slot.publishStatus();
    throw e;
  }
  await slot.probePorts();
  slot.publishStatus();
}

/** Keeps why the start failed on the slot (its status says it) and hands the error back to rethrow. */
function failed(slot: AppSlot, e: unknown): unknown {
  slot.lastError = serializeError(e);
  slot.publishStatus();
  return e;
}

/** Every TCP bind must be free: not another running app's, not another process's. Reports who holds it. */
async function checkBindsFree(slot: AppSlot, settings: AppSettings, ctx: StartContext): Promise<void> {
  const conflict = await findBindConflict(ctx.slots, ctx.definitions, slot.id, settings);
  if (!conflict) return;
  slot.recordEvent({ type: 'port-conflict', time: Date.now(), ...conflict });
  const err = conflictError(conflict);
  slot.lastError = err.toJSON();
  slot.publishStatus();
  throw err;
}
