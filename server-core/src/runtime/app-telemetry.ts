// What an app runtime tells about its app, the same whichever process runs the gateway (one gateway process,
// app-runtime.ts, or N of them, sharded-runtime.ts): access entries (with their request headers kept for the
// drawer, and counted into the metrics), output lines, events (worker restarts counted), the metrics snapshot and
// Prometheus text with the gauges read fresh. Each runtime holds one and says where its gauges come from.
import { attachHeaders, HeaderKeeper, type HeaderKeeping } from '../logging/header-keeper.js';
import { LogBus } from '../logging/log-bus.js';
import { AppMetrics } from '../metrics/app-metrics.js';
import type { AccessEntry, AppEvent, AppRuntimeEvents, MetricsSnapshot, OutputLine, WorkerSnapshot } from './types.js';

/** Worker exits that are not restarts (nothing replaces them). */
const NOT_RESTARTS: ReadonlySet<string> = new Set(['stop', 'reload-failed', 'scale-down', 'boot-error']);

/** The numbers a runtime reads from its dispatcher(s) and supervisor(s) when the metrics are read. */
export interface Gauges {
  readonly inFlight: number;
  readonly queueDepth: number;
  readonly workers: readonly WorkerSnapshot[];
}

export class AppTelemetry {
  private readonly bus = new LogBus();
  // Headers ride along by reference; the API turns them into (masked) objects only when a request is read.
  private readonly keeper: HeaderKeeper | null;
  private registry: AppMetrics;

  constructor(
    private readonly app: () => string,
    private readonly gauges: () => Gauges,
    /** Request headers: kept here for a drawer, only passed on to the access listeners, or dropped (AppRuntimeOptions.requestHeaders). */
    private readonly headers: HeaderKeeping = 'keep',
  ) {
    this.keeper = headers === 'keep' ? new HeaderKeeper() : null;
    this.registry = new AppMetrics({ app: app() });
  }

  /** Request headers this runtime holds (for tests and diagnostics): none where it only forwards them. */
  get headersHeld(): { readonly entries: number; readonly bytes: number } {
    return this.keeper?.held ?? { entries: 0, bytes: 0 };
  }

  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void {
    return this.bus.on(event, listener);
  }

  /** A start counts from zero again (under the app's name of now). */
  resetMetrics(): void {
    this.registry = new AppMetrics({ app: this.app() });
  }

  /** A finished request, with the raw header arrays when the drawer may show them. Hot path. */
  access(entry: AccessEntry, rawRequestHeaders?: readonly string[] | null, rawResponseHeaders?: readonly string[] | null): void {
    if (this.headers !== 'none' && (rawRequestHeaders != null || rawResponseHeaders != null)) {
      if (this.keeper !== null) this.keeper.keep(entry, rawRequestHeaders, rawResponseHeaders);
      else attachHeaders(entry, rawRequestHeaders, rawResponseHeaders);
    }
    this.registry.record(entry.status, entry.durationMs, entry.workerId ?? null, entry.truncated === true);
    this.bus.emitAccess(entry);
  }

  output(line: OutputLine): void {
    this.bus.emitOutput(line);
  }

  /** A line Gantry itself says about the app. */
  say(level: OutputLine['level'], text: string): void {
    this.bus.emitOutput({
      time: Date.now(),
      app: this.app(),
      source: 'gantry',
      level,
      workerId: null,
      workerPid: null,
      requestId: null,
      text,
    });
  }

  event(event: AppEvent): void {
    if (event.type === 'worker-exit' && !NOT_RESTARTS.has(event.exit.reason)) this.registry.recordRestart(event.exit.reason);
    this.bus.emitEvent(event);
  }

  metrics(): MetricsSnapshot {
    return this.refreshed().snapshot();
  }

  prometheus(): string {
    return this.refreshed().prometheus();
  }

  private refreshed(): AppMetrics {
    const g = this.gauges();
    this.registry.setInFlight(g.inFlight);
    this.registry.setQueueDepth(g.queueDepth);
    this.registry.setWorkers(g.workers);
    return this.registry;
  }
}
