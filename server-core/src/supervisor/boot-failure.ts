// Turning a worker that died before it was ready into the GantryError the app reports: the worker's own
// boot_error message when it sent one, else its exit code (gunicorn's 3/4) and last stderr lines.
import { GantryError, type ErrorCode } from '../errors.js';
import type { WorkerRecord } from './worker-record.js';

/** gunicorn's WORKER_BOOT_ERROR and APP_LOAD_ERROR. */
export const BOOT_EXIT_CODES: Readonly<Record<number, ErrorCode>> = { 3: 'GANTRY_ERR_WORKER_BOOT', 4: 'GANTRY_ERR_APP_IMPORT' };

const BOOT_CODES: ReadonlySet<string> = new Set(['GANTRY_ERR_APP_IMPORT', 'GANTRY_ERR_APP_NOT_FOUND', 'GANTRY_ERR_WORKER_BOOT']);

export function bootFailure(rec: WorkerRecord, code: number | null, signal: string | null, bootCode: ErrorCode | undefined): GantryError {
  const tail = rec.proc.stderrTail().join('\n');
  if (rec.bootError) {
    const m = rec.bootError;
    const known = (BOOT_CODES.has(m.code) ? m.code : 'GANTRY_ERR_WORKER_BOOT') as ErrorCode;
    return new GantryError(known, m.message, { traceback: m.traceback ?? tail, exitCode: code, workerId: rec.id });
  }
  return new GantryError(
    bootCode ?? 'GANTRY_ERR_WORKER_BOOT',
    `worker ${rec.id} exited before it was ready (${signal ?? `code ${code}`})`,
    { traceback: tail, exitCode: code, signal, workerId: rec.id },
  );
}
