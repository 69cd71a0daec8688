// What `gantry serve` does with an app's logs and metrics, for an app the Host runs: the access log file in
// its format (`accessLogfile`, `accessLogformat`), the error log file at its level (`errorLogfile`,
// `logLevel`), and the Prometheus/health listener (`metricsBind`). In the Host "-" (stdout/stderr) means no
// file: the UI's Requests and Output views are where those lines go.
import { compileAccessFormat } from '../logging/access-log-format.js';
import { ErrorLog } from '../logging/error-log.js';
import { GantryError } from '../errors.js';
import { LogFile, type LogTrouble } from '../logging/log-file.js';
import type { AppSettings } from '../config/settings-table.js';
import type { AppRuntime } from '../runtime/types.js';

export interface AppLogSinks {
  /** The metrics listener's URL, when `metricsBind` is set. */
  readonly metricsUrl: string | null;
  /** Reopens the log files (after an external rotation). */
  reopen(): void;
  /** Stops writing and listening; safe to call twice. */
  close(): Promise<void>;
}

function isFile(path: string): boolean {
  return path !== '' && path !== '-';
}

/** Opens a log file the settings name, or refuses the start naming the setting (as gunicorn refuses the path). */
function openLog(path: string, field: 'accessLogfile' | 'errorLogfile', onTrouble: (t: LogTrouble) => void): LogFile {
  try {
    return new LogFile(path, process.stderr, { onTrouble });
  } catch (err) {
    const reason = `cannot open ${path}: ${(err as Error).message}`;
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `${field}: ${reason}`, { field, reason });
  }
}

/**
 * Opens what the settings ask for and subscribes it to the runtime; a log file that cannot be opened or a metrics
 * bind that fails throws. `onTrouble` hears when a log file cannot be written, and when it can again.
 */
export async function openAppLogSinks(
  runtime: AppRuntime,
  s: AppSettings,
  onTrouble: (t: LogTrouble) => void = () => undefined,
): Promise<AppLogSinks> {
  const unsubscribe: Array<() => void> = [];
  const files: Array<{ reopen(): void; close(): Promise<void> }> = [];
  if (isFile(s.accessLogfile)) {
    const file = openLog(s.accessLogfile, 'accessLogfile', onTrouble);
    const format = compileAccessFormat(s.accessLogformat);
    unsubscribe.push(runtime.on('access', (entry) => file.writeLine(format(entry))));
    files.push(file);
  }
  if (isFile(s.errorLogfile)) {
    let log: ErrorLog;
    try {
      log = new ErrorLog(openLog(s.errorLogfile, 'errorLogfile', onTrouble), s.logLevel);
    } catch (err) {
      await Promise.all(files.map((f) => f.close()));
      throw err;
    }
    unsubscribe.push(
      runtime.on('output', (line) => log.output(line)),
      runtime.on('event', (e) => {
        if (e.type !== 'boot-error') return log.event(e);
        // gantry serve prints this where it reports the failure; here the file is the only place.
        const traceback = typeof e.error.details?.traceback === 'string' ? e.error.details.traceback.trimEnd() : '';
        log.log('error', `${e.error.code}: ${e.error.message}${traceback ? `\n${traceback}` : ''}`);
      }),
    );
    files.push(log);
  }
  let metrics: { url: string; close(): Promise<void> } | null = null;
  const close = async (): Promise<void> => {
    for (const u of unsubscribe.splice(0)) u();
    const m = metrics;
    metrics = null;
    await Promise.all([...files.splice(0).map((f) => f.close()), m?.close()]);
  };
  if (s.metricsBind !== '') {
    const { startAppMetricsServer } = await import('../gateway/metrics-server.js');
    try {
      metrics = await startAppMetricsServer(s.metricsBind, runtime);
    } catch (err) {
      await close();
      throw err;
    }
  }
  return {
    metricsUrl: metrics?.url ?? null,
    reopen: () => {
      for (const f of files) f.reopen();
    },
    close,
  };
}
