// One app inside the Host: its definition, its runtime while it has one, and the history the API pages through.
// Runtime events are recorded here (rings) and forwarded to the Host's event hub; operations on the app are
// serialised so a stop never overtakes the start it follows.
import {
  accessQuerySchema,
  outputQuerySchema,
  pageQuerySchema,
  type AccessQuery,
  type AccessRecord,
  type AppStatusView,
  type EventRecord,
  type HostAppEvent,
  type MetricsView,
  type OutputQuery,
  type OutputPage,
  type OutputRecord,
  type Page,
  type RequestDetail,
  type RoutesView,
} from '../control/contract.js';
import type { AppDefinition } from '../config/app-definition.js';
import { invalid } from './definitions.js';
import type { SerializedError } from '../errors.js';
import type { AppRuntime } from '../runtime/types.js';
import type { AppLogSinks } from './app-log-sinks.js';
import { maskedForList, withHeaderView } from '../logging/header-keeper.js';
import { routeStats } from '../logging/route-stats.js';
import { AppLogs, type LogCapacities } from './app-logs.js';
import type { EventHub } from './event-hub.js';
import { allAnswer } from './port-probe.js';

const METRICS_INTERVAL_MS = 1000;
/** How often the listeners of a running app are probed (in metrics ticks). */
const PROBE_EVERY_TICKS = 2;

export class AppSlot {
  runtime: AppRuntime | null = null;
  /** The runtime's log files and metrics listener, while it has them. */
  sinks: AppLogSinks | null = null;
  /** The profile the current runtime was started with. */
  profile: string | null = null;
  startedAt: number | null = null;
  /** A live scale away from the saved worker count (kept by reloads, dropped by a restart or a saved change). */
  scaled: { workers: number; saved: number } | null = null;
  /** A stop cut the start in progress short (Host.stop): its failure is no error to show. */
  stopRequested = false;
  /** Why the last start failed, when it failed before a runtime could say so itself. */
  lastError: SerializedError | null = null;
  readonly logs: AppLogs;
  private unsubscribers: (() => void)[] = [];
  private metricsTimer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Whether every listener accepted a connection at the last probe: "healthy" needs it, not just "listening". */
  /** The health last published in a status event (null: none yet). */
  private publishedHealthy: boolean | null = null;
  private portsAnswer = false;
  private ticks = 0;

  constructor(
    public def: AppDefinition,
    private readonly hub: EventHub,
    caps?: LogCapacities,
  ) {
    this.logs = new AppLogs(caps);
  }

  get id(): string {
    return this.def.id;
  }

  /** Runs fn after every operation queued before it on this app. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  isActive(): boolean {
    const s = this.runtime?.status().state;
    return s === 'starting' || s === 'running' || s === 'reloading' || s === 'stopping';
  }

  attach(runtime: AppRuntime, profile: string, sinks: AppLogSinks | null = null): void {
    this.detach();
    this.runtime = runtime;
    this.sinks = sinks;
    this.profile = profile;
    this.startedAt = Date.now();
    this.lastError = null;
    this.portsAnswer = false;
    const id = this.id;
    this.unsubscribers.push(
      runtime.on('access', (entry) => this.hub.publish('access', id, this.logs.addAccess(maskedForList(entry)))),
      runtime.on('output', (line) => this.hub.publish('output', id, this.logs.addOutput(line))),
      runtime.on('event', (event) => {
        this.recordEvent(event);
        // "running" goes out together with whether its ports answer, so no one sees a transient unhealthy state.
        if (event.type === 'state' && event.state === 'running') void this.probePorts().then(() => this.publishStatus());
        else if (event.type === 'state') this.publishStatus();
        // A worker's exit or return can change whether the app takes requests while its state stays "running".
        else this.publishIfHealthChanged();
        // A stopped app writes no more log lines and its metrics listener goes with it.
        if (event.type === 'state' && event.state === 'stopped') void this.closeSinks();
      }),
    );
    this.metricsTimer = setInterval(() => this.sampleMetrics(), METRICS_INTERVAL_MS);
    this.metricsTimer.unref();
  }

  /** Stops listening to the runtime (it is stopped or being replaced). */
  detach(): void {
    void this.closeSinks();
    for (const u of this.unsubscribers.splice(0)) u();
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.metricsTimer = null;
  }

  /** Closes the app's log files and metrics listener (app-log-sinks.ts). */
  closeSinks(): Promise<void> {
    const sinks = this.sinks;
    this.sinks = null;
    return sinks?.close() ?? Promise.resolve();
  }

  recordEvent(event: HostAppEvent): void {
    this.hub.publish('app-event', this.id, this.logs.addEvent(event));
  }

  publishStatus(): void {
    const view = this.statusView();
    this.publishedHealthy = view.healthy;
    this.hub.publish('status', this.id, view);
  }

  /** Publishes the status when its health differs from what was last published (no green badge over no workers). */
  private publishIfHealthChanged(): void {
    if (this.statusView().healthy !== this.publishedHealthy) this.publishStatus();
  }

  /** Connects to every listener; publishes the status when the answer changed. */
  async probePorts(): Promise<void> {
    const rt = this.runtime;
    const answer = rt ? await allAnswer(rt.status().urls) : false;
    if (rt !== this.runtime || answer === this.portsAnswer) return;
    this.portsAnswer = answer;
    this.publishStatus();
  }

  private sampleMetrics(): void {
    const rt = this.runtime;
    if (!rt || rt.status().state !== 'running') return;
    if (++this.ticks % PROBE_EVERY_TICKS === 0) void this.probePorts();
    this.publishIfHealthChanged();
    const m = rt.metrics();
    this.logs.metrics.push(m);
    this.hub.publish('metrics', this.id, m);
  }

  statusView(): AppStatusView {
    const rt = this.runtime;
    if (!rt) {
      return {
        appId: this.id,
        state: this.lastError ? 'failed' : 'stopped',
        profile: null,
        urls: [],
        healthy: false,
        generation: 0,
        error: this.lastError,
        startedAt: null,
        scaled: null,
        workers: null,
      };
    }
    const s = rt.status();
    const running = s.state !== 'stopped' && s.state !== 'failed';
    return {
      appId: this.id,
      state: s.state === 'stopped' && this.lastError ? 'failed' : s.state,
      profile: running ? this.profile : null,
      urls: running ? s.urls : [],
      healthy: s.healthy && this.portsAnswer,
      generation: s.generation,
      error: s.error ?? this.lastError,
      startedAt: running ? this.startedAt : null,
      scaled: running ? this.scaled : null,
      workers: running ? s.settings.workers : null,
    };
  }

  // ---- history queries (validated here too: the Host is also driven without the HTTP layer) ----------------

  metricsView(history: boolean): MetricsView {
    return {
      current: this.runtime && this.isActive() ? this.runtime.metrics() : null,
      history: history ? this.logs.metrics.toArray() : [],
    };
  }

  accessPage(query: AccessQuery): Page<AccessRecord> {
    const q = accessQuerySchema.safeParse(query);
    if (!q.success) throw invalid(q.error, 'query');
    const { headers, ...filter } = q.data;
    const page = this.logs.queryAccess(filter);
    // Headers are read (and masked) only when asked for: lists stay light for the live table.
    return headers === '1' ? { ...page, items: page.items.map((e) => withHeaderView(e)) } : page;
  }

  outputPage(query: OutputQuery): OutputPage {
    const q = outputQuerySchema.safeParse(query);
    if (!q.success) throw invalid(q.error, 'query');
    return this.logs.queryOutput(q.data);
  }

  eventsPage(query: { before?: number; after?: number; limit?: number }): Page<EventRecord> {
    const q = pageQuerySchema.safeParse(query);
    if (!q.success) throw invalid(q.error, 'query');
    return this.logs.events.page(() => true, q.data);
  }

  /** Over the whole access history (not the rows a client holds): every entry the ring still has. */
  routes(): RoutesView {
    const all = this.logs.access.toArray();
    return {
      window: { requests: all.length, from: all[0]?.time ?? null, to: all.at(-1)?.time ?? null, cap: this.logs.access.capacity },
      routes: routeStats(all),
    };
  }

  requestDetail(requestId: string): RequestDetail {
    const found = this.logs.queryAccess({ requestId, limit: 1 }).items[0];
    // Headers are read (and masked) here only: the request path kept references, not objects.
    const entry = found ? withHeaderView(found) : null;
    const output = this.logs.queryOutput({ requestId, limit: 5000 }).items.slice().reverse();
    const event = this.logs.events
      .toArray()
      .reverse()
      .find((e) => e.type === 'timeout' && e.requestId === requestId);
    const timeout =
      event?.type === 'timeout' ? { time: event.time, durationMs: event.durationMs, workerPid: event.workerPid, stack: event.stack } : null;
    return { entry, output, timeout };
  }
}
