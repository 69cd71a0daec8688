// `gantry serve [OPTIONS] MODULE:CALLABLE`: one app in the foreground, gunicorn-style. Logs go to the
// error log (stderr by default) and the access log; signals are queued by their handlers and acted on one
// at a time by a small loop, as gunicorn's arbiter does.
import {
  crossSettingProblem,
  defaultSettings,
  formatBind,
  mergeSettings,
  parseBind,
  settingSpec,
  type AppSettings,
  type SettingKey,
} from '../config/settings-table.js';
import { isGantryError, type SerializedError } from '../errors.js';
import { compileAccessFormat } from '../logging/access-log-format.js';
import { ErrorLog } from '../logging/error-log.js';
import { folderProblem } from '../config/folder-check.js';
import { describeLogTrouble, LogFile } from '../logging/log-file.js';
import { createAppRuntime } from '../runtime/app-runtime.js';
import type { AppEvent } from '../runtime/types.js';
import { ArgsError, parseArgs } from './args.js';
import { serveHelp } from './help.js';
import { VERSION } from './version.js';

type QueuedSignal = 'SIGTERM' | 'SIGINT' | 'SIGQUIT' | 'SIGHUP' | 'SIGTTIN' | 'SIGTTOU' | 'SIGUSR1';
const SIGNALS: readonly QueuedSignal[] = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGUSR1'];

/** Exit codes: gunicorn's for boot failures. */
const EXIT_USAGE = 2;
const EXIT_WORKER_BOOT = 3;
const EXIT_APP_LOAD = 4;

export function settingsFromArgs(argv: readonly string[]): { settings: AppSettings; help: boolean; version: boolean } {
  const parsed = parseArgs(argv);
  const partial = { ...parsed.settings };
  if (parsed.positionals.length > 1) throw new ArgsError('', `unexpected arguments: ${parsed.positionals.slice(1).join(' ')}`);
  if (parsed.positionals.length === 1) {
    const app = parsed.positionals[0]!;
    if (!/^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*(\(.*\))?)?$/.test(app))
      throw new ArgsError('MODULE:CALLABLE', `must be MODULE or MODULE:CALLABLE, not ${JSON.stringify(app)}`);
    partial.app = app;
  } else if (!parsed.help && !parsed.version) {
    throw new ArgsError('', 'the app to serve is required: gantry serve [OPTIONS] MODULE:CALLABLE');
  }
  const settings = mergeSettings(defaultSettings(), partial);
  const cross = crossSettingProblem(settings);
  if (cross)
    throw new ArgsError(
      settingSpec(cross.field as SettingKey).flags.at(-1) ?? cross.field,
      cross.reason.replace('workers (', '--workers ('),
    );
  return { settings, help: parsed.help, version: parsed.version };
}

export async function runServe(argv: readonly string[]): Promise<number> {
  let settings: AppSettings;
  try {
    const r = settingsFromArgs(argv);
    if (r.help) {
      process.stdout.write(serveHelp());
      return 0;
    }
    if (r.version) {
      process.stdout.write(`gantry ${VERSION}\n`);
      return 0;
    }
    settings = r.settings;
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`usage: gantry serve [OPTIONS] MODULE:CALLABLE\ngantry: error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }

  // As gunicorn: "can't chdir to …", exit 1, before anything starts (a worker would die with exit code 127).
  const chdirProblem = settings.chdir ? folderProblem(settings.chdir) : null;
  if (chdirProblem) {
    process.stderr.write(`gantry: error: --chdir: ${chdirProblem}\n`);
    return 1;
  }
  // A log path that cannot be opened is refused before anything starts, as gunicorn refuses it (exit 1).
  let errorLog: ErrorLog;
  let accessFile: LogFile | null;
  try {
    errorLog = new ErrorLog(new LogFile(settings.errorLogfile, process.stderr), settings.logLevel);
  } catch (err) {
    process.stderr.write(`gantry: error: --error-logfile: cannot open ${settings.errorLogfile}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    // Trouble writing the access log is told on the error log (and the error log's own on stderr).
    accessFile =
      settings.accessLogfile === ''
        ? null
        : new LogFile(settings.accessLogfile, process.stdout, {
            onTrouble: (t) => errorLog.log(t.kind === 'failed' ? 'error' : 'warning', describeLogTrouble(t)),
          });
  } catch (err) {
    process.stderr.write(`gantry: error: --access-logfile: cannot open ${settings.accessLogfile}: ${(err as Error).message}\n`);
    await errorLog.close();
    return 1;
  }
  const formatAccess = compileAccessFormat(settings.accessLogformat);
  // No request drawer here: headers need not cross from gateway processes (--gateway-processes).
  const runtime = createAppRuntime(settings, { requestHeaders: 'none' });
  runtime.on('output', (line) => errorLog.output(line));
  if (accessFile) runtime.on('access', (entry) => accessFile.writeLine(formatAccess(entry)));
  runtime.on('event', (e) => errorLog.event(e));

  const queue: QueuedSignal[] = [];
  let wake: (() => void) | null = null;
  const handlers = SIGNALS.map((sig) => {
    const h = (): void => {
      queue.push(sig);
      wake?.();
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  const cleanup = async (): Promise<void> => {
    for (const [sig, h] of handlers) process.off(sig, h);
    await accessFile?.close();
    await errorLog.close();
  };

  errorLog.log('info', `Starting gantry ${VERSION}`);
  // The metrics listener starts first, so a probe sees /healthz 503 ("app is starting") while the workers
  // boot, rather than a refused connection; it is closed on every failed start.
  let metricsServer: { url: string; close(): Promise<void> } | null = null;
  if (settings.metricsBind !== '') {
    try {
      const { startAppMetricsServer } = await import('../gateway/metrics-server.js');
      metricsServer = await startAppMetricsServer(settings.metricsBind, runtime);
    } catch (err) {
      const code = reportStartFailure(errorLog, err);
      await cleanup();
      return code;
    }
    errorLog.log('info', `Metrics at: ${metricsServer.url}/metrics (health: ${metricsServer.url}/healthz)`);
  }
  // Until the loop below runs, a stop signal must end the start itself: workers may import for a long time.
  const stopSignal = (): QueuedSignal | undefined => queue.find((q) => q === 'SIGTERM' || q === 'SIGINT' || q === 'SIGQUIT');
  wake = () => {
    if (stopSignal()) void runtime.stop({ graceful: false }).catch(() => {});
  };
  try {
    if (stopSignal()) throw new Error('stopped before start');
    await runtime.start();
  } catch (err) {
    const sig = stopSignal();
    if (sig) {
      errorLog.log('info', `Handling signal: ${sig.slice(3).toLowerCase()}`);
      await runtime.stop({ graceful: false }).catch(() => {});
      await metricsServer?.close();
      errorLog.log('info', 'Shutting down: Master');
      await cleanup();
      return 0;
    }
    const code = reportStartFailure(errorLog, err);
    await runtime.stop({ graceful: false }).catch(() => {});
    await metricsServer?.close();
    await cleanup();
    return code;
  }
  wake = null;
  for (const url of runtime.status().urls) errorLog.log('info', `Listening at: ${url} (${process.pid})`);
  const gateways = settings.gatewayProcesses > 1 ? `, ${settings.gatewayProcesses} gateway processes` : '';
  errorLog.log(
    'info',
    `Using worker: fastcgi (${runtime.python ?? 'python'}, ${settings.workers} worker(s) × ${settings.threads} thread(s)${gateways})`,
  );

  let failed = false;
  runtime.on('event', (e) => {
    // During start the rejected start() reports it; from here on (a respawn that cannot import) this does.
    if (e.type === 'boot-error') reportAppError(errorLog, e.error);
    if (e.type === 'state' && e.state === 'failed') {
      failed = true;
      queue.push('SIGQUIT');
      wake?.();
    }
  });

  // The loop: one signal at a time, in arrival order.
  for (;;) {
    if (queue.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    const sig = queue.shift();
    if (sig === undefined) continue;
    if (sig === 'SIGTERM' || sig === 'SIGINT' || sig === 'SIGQUIT') {
      const graceful = sig !== 'SIGQUIT';
      if (!failed) errorLog.log('info', `Handling signal: ${sig.slice(3).toLowerCase()}`);
      await runtime.stop({ graceful });
      await metricsServer?.close();
      errorLog.log('info', 'Shutting down: Master');
      await cleanup();
      if (failed) return exitCodeFor(runtime.status().error?.code);
      return 0;
    }
    if (sig === 'SIGHUP') {
      errorLog.log('info', 'Handling signal: hup');
      await runtime.reload().catch((err: unknown) => errorLog.log('error', `Reload failed: ${describe(err)}`));
    } else if (sig === 'SIGTTIN' || sig === 'SIGTTOU') {
      const now = runtime.status().settings.workers;
      const to = sig === 'SIGTTIN' ? now + 1 : Math.max(1, now - 1);
      errorLog.log('info', `Handling signal: ${sig.slice(3).toLowerCase()}`);
      if (to !== now) await runtime.scale(to).catch((err: unknown) => errorLog.log('error', `Scale failed: ${describe(err)}`));
    } else if (sig === 'SIGUSR1') {
      errorLog.log('info', 'Handling signal: usr1');
      accessFile?.reopen();
      errorLog.reopen();
    }
  }
}

function exitCodeFor(code: string | undefined): number {
  if (code === 'GANTRY_ERR_APP_IMPORT' || code === 'GANTRY_ERR_APP_NOT_FOUND') return EXIT_APP_LOAD;
  if (code === 'GANTRY_ERR_WORKER_BOOT') return EXIT_WORKER_BOOT;
  return 1;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Prints why the app could not start, the traceback once, and picks the exit code. */
function reportStartFailure(log: ErrorLog, err: unknown): number {
  if (!isGantryError(err)) {
    log.log('critical', `Unexpected error while starting: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
  return reportAppError(log, err);
}

/** The error, its traceback once, and the reason line; returns the exit code. Also for a boot error after start. */
function reportAppError(log: ErrorLog, err: Pick<SerializedError, 'code' | 'message' | 'details'>): number {
  const traceback = typeof err.details?.traceback === 'string' ? err.details.traceback : '';
  log.log('error', `${err.code}: ${err.message}`);
  if (traceback.trim() !== '') log.log('error', traceback.trimEnd());
  log.log(
    'info',
    err.code === 'GANTRY_ERR_PORT_IN_USE' || err.code === 'GANTRY_ERR_BIND' ? 'Reason: could not listen.' : 'Reason: App failed to load.',
  );
  return exitCodeFor(err.code);
}

export { formatBind, parseBind };
