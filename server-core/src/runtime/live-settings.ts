// The checks every AppRuntime makes before a live change (update, scale), one or many gateway processes.
import { parsePartialSettings, settingApplies, type AppSettings } from '../config/settings-table.js';
import { GantryError } from '../errors.js';

/** A live settings patch, validated: the worker count (a scale) apart from the rest. */
export function parseLivePatch(settings: Partial<AppSettings>): {
  readonly workers: number | undefined;
  readonly rest: Partial<AppSettings>;
} {
  const patch = parsePartialSettings(settings);
  const notLive = Object.keys(patch).filter((k) => settingApplies(k) !== 'live');
  if (notLive.length > 0)
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `${notLive.join(', ')}: not a live setting (reload or restart to apply)`, {
      field: notLive[0],
    });
  const { workers, ...rest } = patch;
  return { workers, rest };
}

/** Refuses a worker count outside 1..512 (the setting's range). */
export function checkWorkerCount(workers: number): void {
  if (!Number.isInteger(workers) || workers < 1 || workers > 512)
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', 'workers: must be 1..512', { field: 'workers' });
}
