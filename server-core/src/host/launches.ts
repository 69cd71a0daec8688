// The Host's launch records: each launch's latest result by id (the newest MAX_LAUNCHES kept), so a caller that
// did not wait (wait=false) can ask how it went. What a launch does is launch.ts (runLaunch).
import { randomBytes } from 'node:crypto';
import type { LaunchResult } from '../control/contract.js';
import { GantryError, serializeError } from '../errors.js';

const MAX_LAUNCHES = 50;

export class Launches {
  private readonly records = new Map<string, LaunchResult>();

  /**
   * Records a new launch and runs `job` (which reports its progress through `record`); resolves with the result
   * when `wait`, else at once with the running record.
   */
  async begin(
    appId: string,
    profile: string,
    wait: boolean,
    job: (launchId: string, record: (r: LaunchResult) => void) => Promise<LaunchResult>,
  ): Promise<LaunchResult> {
    const launchId = randomBytes(8).toString('hex');
    const record = (r: LaunchResult): void => this.record(launchId, r);
    record({ launchId, appId, profile, state: 'running', steps: [], url: null, failedStep: null, error: null });
    const done = job(launchId, record).then(
      (r) => {
        record(r);
        return r;
      },
      (e: unknown) => {
        // runLaunch reports step failures itself; this is a bug path, kept from crashing a wait=false caller.
        const r: LaunchResult = { ...this.records.get(launchId)!, state: 'failed', error: serializeError(e) };
        record(r);
        return r;
      },
    );
    return wait ? done : this.records.get(launchId)!;
  }

  get(launchId: string): LaunchResult {
    const r = this.records.get(launchId);
    if (!r) throw new GantryError('GANTRY_ERR_APP_UNKNOWN', `no launch ${launchId}`, { field: 'launchId', reason: 'unknown launch' });
    return r;
  }

  private record(launchId: string, r: LaunchResult): void {
    this.records.set(launchId, r);
    if (this.records.size > MAX_LAUNCHES) this.records.delete(this.records.keys().next().value!);
  }
}
