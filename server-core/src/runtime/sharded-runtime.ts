// The multi-core gateway (`--gateway-processes N`): this process listens and hands each new connection to the
// next of N gateway processes, round robin (connection-dealer.ts); each runs a whole app runtime over its
// share of the workers (global worker ids dealt round robin). This process keeps
// the AppRuntime interface: the logs, the metrics (from every access entry, so percentiles are exact), the
// state, and the supervision of the gateway processes themselves (one that dies is replaced, with back-off).
// Talking to one gateway process is shard-process.ts's; the messages are in shard-protocol.ts.
// Nothing crosses a process boundary per request but one access entry, in batches. docs/performance.md.
import type { Socket } from 'node:net';
import { parseAppSettings, type AppSettings } from '../config/settings-table.js';
import { GantryError, serializeError, type SerializedError } from '../errors.js';
import { Backoff, GATEWAY_PROCESS_BACKOFF } from '../supervisor/backoff.js';
import type { AppRuntimeOptions, LocalAppRuntime } from './app-runtime.js';
import { AppTelemetry, type Gauges } from './app-telemetry.js';
import { ConnectionDealer } from './connection-dealer.js';
import { checkWorkerCount, parseLivePatch } from './live-settings.js';
import { localWorkerId, shardOf, shareOf, type ShardInit, type ShardOp } from './shard-protocol.js';
import { ShardProcess } from './shard-process.js';
import type { AppEvent, AppState, AppStatus, AppRuntimeEvents, MetricsSnapshot, ReloadMode, WorkerSnapshot } from './types.js';

/** One of the N places for a gateway process: the current one (none while it is being replaced), its back-off. */
interface Slot {
  readonly index: number;
  proc: ShardProcess | null;
  readonly backoff: Backoff;
  respawnTimer: NodeJS.Timeout | null;
}

export class ShardedRuntime implements LocalAppRuntime {
  python: string | null = null;
  private settings: AppSettings;
  private readonly count: number;
  private slots: Slot[] = [];
  private readonly telemetry: AppTelemetry;
  private state: AppState = 'stopped';
  private error: SerializedError | null = null;
  private generation = 0;
  private urls: readonly string[] = [];
  private stopping: Promise<void> | null = null;
  private dealer: ConnectionDealer | null = null;
  /** The next gateway process to get a connection. */
  private turn = 0;
  /** A boot error was already passed on since the last start or reload. */
  private bootErrorSaid = false;

  constructor(
    settings: AppSettings,
    private readonly options: AppRuntimeOptions,
  ) {
    this.settings = settings;
    this.count = settings.gatewayProcesses;
    this.telemetry = new AppTelemetry(
      () => this.name,
      () => this.gauges(),
      options.requestHeaders ?? 'keep',
    );
  }

  private get name(): string {
    return this.settings.name || this.settings.app;
  }

  status(): AppStatus {
    const live =
      (this.dealer?.listening ?? false) &&
      this.slots.length === this.count &&
      this.slots.every((s) => s.proc !== null && s.proc.ready && s.proc.status?.healthy === true);
    return {
      name: this.name,
      state: this.state,
      urls: this.state === 'stopped' || this.state === 'failed' ? [] : this.urls,
      healthy: this.state === 'running' && live,
      generation: this.generation,
      error: this.error,
      settings: this.settings,
    };
  }

  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void {
    return this.telemetry.on(event, listener);
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped' && this.state !== 'failed')
      throw new GantryError('GANTRY_ERR_APP_STATE', `cannot start while ${this.state}`);
    const s = this.settings;
    if (s.workers < this.count) {
      const err = new GantryError(
        'GANTRY_ERR_INVALID_CONFIG',
        `workers: must be at least gatewayProcesses (${this.count}), each gateway process needs a worker`,
        { field: 'workers' },
      );
      this.setState('failed', err.toJSON());
      throw err;
    }
    this.stopping = null;
    this.error = null;
    this.bootErrorSaid = false;
    this.generation = 1;
    this.telemetry.resetMetrics();
    this.setState('starting');
    const dealer = new ConnectionDealer(s.bind, s.backlog, () => this.nextReceiver());
    this.dealer = dealer;
    try {
      // The gateway processes do the TLS handshakes; the URL says https as a single gateway's would.
      const tls = this.settings.certfile !== '';
      this.urls = (await dealer.listen()).map((a) => (tls ? a.url.replace(/^http:/, 'https:') : a.url));
    } catch (err) {
      this.dealer = null;
      this.setState('failed', serializeError(err));
      throw err;
    }
    // stop() while starting (the Host cuts a start short): what this start opened after teardown ran is closed here.
    if (this.stopping !== null) {
      await dealer.close();
      throw new GantryError('GANTRY_ERR_APP_STATE', 'stopped while starting');
    }
    this.slots = Array.from({ length: this.count }, (_, index) => ({
      index,
      proc: null,
      backoff: new Backoff(GATEWAY_PROCESS_BACKOFF),
      respawnTimer: null,
    }));
    try {
      const started = await Promise.all(this.slots.map((slot) => this.fork(slot)));
      this.python = started[0]!.python;
    } catch (err) {
      if (this.stopping !== null) {
        await this.stopAll(false, 5_000);
        throw new GantryError('GANTRY_ERR_APP_STATE', 'stopped while starting');
      }
      const error = serializeError(err);
      await this.dealer?.close();
      this.dealer = null;
      await this.stopAll(false, 5_000);
      this.setState('failed', error);
      throw GantryError.from(error);
    }
    if (this.stopping !== null) {
      await this.stopAll(false, 5_000);
      throw new GantryError('GANTRY_ERR_APP_STATE', 'stopped while starting');
    }
    this.setState('running');
  }

  async stop(options: { readonly graceful?: boolean } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = this.teardown(options.graceful ?? true);
    return this.stopping;
  }

  private async teardown(graceful: boolean): Promise<void> {
    if (this.state === 'stopped') return;
    const failed = this.state === 'failed';
    this.setState('stopping', this.error ?? undefined);
    for (const slot of this.slots) this.cancelRespawn(slot);
    // No new connections; those already dealt are finished (or cut) by their gateway processes.
    await this.dealer?.close();
    this.dealer = null;
    await this.stopAll(graceful, (graceful ? this.settings.gracefulTimeout * 1000 : 0) + 10_000);
    this.setState(failed ? 'failed' : 'stopped', failed ? (this.error ?? undefined) : undefined);
  }

  async reload(options: { readonly mode?: ReloadMode; readonly settings?: AppSettings } = {}): Promise<void> {
    this.requireRunning();
    const next = options.settings ? parseAppSettings(options.settings) : this.settings;
    const mode = options.mode ?? next.reloadMode;
    const generation = this.generation + 1;
    this.bootErrorSaid = false;
    this.telemetry.event({ type: 'reload', time: Date.now(), phase: 'started', generation, mode });
    this.setState('reloading');
    try {
      // Every gateway process reloads its own share; a share that fails keeps its old workers serving.
      await this.callAll((index) => ({ op: 'reload', mode, settings: this.shardSettings(next, index) }));
    } catch (err) {
      this.setState('running');
      this.telemetry.event({ type: 'reload', time: Date.now(), phase: 'failed', generation, mode, error: serializeError(err) });
      throw err;
    }
    this.generation = generation;
    this.settings = { ...next, gatewayProcesses: this.count };
    this.setState('running');
    this.telemetry.event({ type: 'reload', time: Date.now(), phase: 'done', generation, mode });
  }

  async scale(workers: number): Promise<void> {
    this.requireRunning();
    checkWorkerCount(workers);
    if (workers < this.count)
      throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `workers: must be at least gatewayProcesses (${this.count})`, {
        field: 'workers',
      });
    const from = this.settings.workers;
    this.settings = { ...this.settings, workers };
    await this.callAll((index) => ({ op: 'scale', workers: shareOf(workers, index, this.count) }));
    if (from !== workers) this.telemetry.event({ type: 'scale', time: Date.now(), from, to: workers });
  }

  async update(settings: Partial<AppSettings>): Promise<void> {
    this.requireRunning();
    const { workers, rest } = parseLivePatch(settings);
    this.settings = { ...this.settings, ...rest };
    if (Object.keys(rest).length > 0) await this.callAll(() => ({ op: 'update', settings: rest }));
    if (workers !== undefined && workers !== this.settings.workers) await this.scale(workers);
  }

  async restartWorker(workerId: number): Promise<void> {
    this.requireRunning();
    const proc = this.slots[shardOf(workerId, this.count)]?.proc;
    if (!Number.isInteger(workerId) || workerId < 1 || proc == null)
      throw new GantryError('GANTRY_ERR_APP_STATE', `no running worker ${workerId}`);
    await proc.call({ op: 'restartWorker', workerId: localWorkerId(workerId, this.count) });
  }

  workers(): readonly WorkerSnapshot[] {
    const all: WorkerSnapshot[] = [];
    for (const slot of this.slots) for (const w of slot.proc?.status?.workers ?? []) all.push(w);
    return all.sort((a, b) => a.id - b.id || a.generation - b.generation);
  }

  metrics(): MetricsSnapshot {
    return this.telemetry.metrics();
  }

  prometheus(): string {
    return this.telemetry.prometheus();
  }

  private gauges(): Gauges {
    let inFlight = 0;
    let queueDepth = 0;
    for (const slot of this.slots) {
      inFlight += slot.proc?.status?.inFlight ?? 0;
      queueDepth += slot.proc?.status?.queueDepth ?? 0;
    }
    return { inFlight, queueDepth, workers: this.workers() };
  }

  /** A shard's settings: its share of the workers and of the queue, one gateway, no metrics listener. */
  private shardSettings(s: AppSettings, index: number): AppSettings {
    return {
      ...s,
      workers: shareOf(s.workers, index, this.count),
      maxQueue: Math.ceil(s.maxQueue / this.count),
      gatewayProcesses: 1,
      metricsBind: '',
    };
  }

  /** Starts the slot's gateway process; resolves once it takes connections. */
  private fork(slot: Slot): Promise<{ readonly urls: readonly string[]; readonly python: string | null }> {
    const init: ShardInit = {
      t: 'init',
      index: slot.index,
      count: this.count,
      settings: this.shardSettings(this.settings, slot.index),
      ...(this.options.workerScript !== undefined ? { workerScript: this.options.workerScript } : {}),
      ...(this.options.baseEnv !== undefined ? { baseEnv: this.options.baseEnv } : {}),
      processStats: this.options.processStats !== false,
      forwardHeaders: (this.options.requestHeaders ?? 'keep') !== 'none',
      listeners: this.dealer?.addresses ?? [],
    };
    const proc: ShardProcess = new ShardProcess(
      init,
      {
        access: (entry, rawReq, rawRes) => this.telemetry.access(entry, rawReq, rawRes),
        output: (line) => this.telemetry.output(line),
        event: (e) => {
          if (this.passOn(e)) this.telemetry.event(e);
        },
        status: (st) => {
          if (st.state === 'failed' && (this.state === 'running' || this.state === 'reloading')) {
            // A share that can no longer import the app (a respawn's boot error) fails the app, as with one gateway.
            this.setState('failed', st.error ?? { code: 'GANTRY_ERR_WORKER_BOOT', message: `gateway process ${slot.index + 1} failed` });
          }
        },
        ready: () => this.dealer?.flush(),
        redeal: (listener, socket) => this.redeal(listener, socket),
        exit: (gone) => this.reap(slot, proc, gone),
      },
      () => this.name,
    );
    slot.proc = proc;
    return proc.started;
  }

  /** Whether a shard's event is the app's to say: state, reload and scale are this process's own. */
  private passOn(e: AppEvent): boolean {
    switch (e.type) {
      case 'state':
      case 'reload':
      case 'scale':
        return false;
      case 'boot-error':
        // Every share fails the same way when the app cannot be imported: say it once.
        if (this.state === 'failed' || this.bootErrorSaid) return false;
        this.bootErrorSaid = true;
        return true;
      default:
        return true;
    }
  }

  /** A gateway process exited: while the app runs, a new one takes its place after the back-off. */
  private reap(slot: Slot, proc: ShardProcess, gone: GantryError): void {
    if (slot.proc !== proc) return;
    slot.proc = null;
    if (this.stopping !== null || (this.state !== 'running' && this.state !== 'reloading')) return;
    // Its workers went with it (their lifeline). The other gateway processes keep serving meanwhile.
    const delay = slot.backoff.next(Date.now() - proc.startedAt);
    this.telemetry.say('error', `${gone.message}; starting a new one in ${delay} ms`);
    slot.respawnTimer = setTimeout(() => {
      slot.respawnTimer = null;
      if (this.stopping !== null) return;
      this.fork(slot).then(
        () => this.telemetry.say('info', `gateway process ${slot.index + 1} is back (pid ${slot.proc?.pid ?? '?'})`),
        (err: unknown) => {
          if (this.stopping === null && slot.proc !== null) this.setState('failed', serializeError(err));
        },
      );
    }, delay);
  }

  private cancelRespawn(slot: Slot): void {
    if (slot.respawnTimer !== null) clearTimeout(slot.respawnTimer);
    slot.respawnTimer = null;
  }

  /** The same call on every gateway process; the first failure is the answer, after all have settled. */
  private async callAll(op: (index: number) => ShardOp): Promise<void> {
    const results = await Promise.allSettled(
      this.slots.map(
        (slot) =>
          slot.proc?.call(op(slot.index)) ??
          Promise.reject(new GantryError('GANTRY_ERR_APP_STATE', `gateway process ${slot.index + 1} is not running`)),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async stopAll(graceful: boolean, replyWithinMs: number): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        this.cancelRespawn(slot);
        await slot.proc?.stop(graceful, replyWithinMs);
      }),
    );
  }

  /**
   * Round robin over the gateway processes that are ready, preferring those with a worker taking requests:
   * one whose workers all wait out a crash back-off would answer its connections 503 while another serves.
   * The returned function sends one connection.
   */
  private nextReceiver(): ((listener: number, socket: Socket) => boolean) | null {
    const n = this.slots.length;
    for (let i = 0; i < 2 * n; i++) {
      const slot = this.slots[(this.turn + i) % n]!;
      const proc = slot.proc;
      if (proc === null || !proc.ready || !proc.connected) continue;
      if (i < n && proc.status?.healthy === false) continue;
      this.turn = (slot.index + 1) % n;
      return (listener, socket) => proc.send(listener, socket);
    }
    return null;
  }

  /** A connection no gateway process read goes to the next one; closed if the app is stopping. */
  private redeal(listener: number, socket: Socket): void {
    if (socket.destroyed) return;
    if (this.dealer === null || this.stopping !== null) socket.destroy();
    else this.dealer.deal(listener, socket);
  }

  private requireRunning(): void {
    if (this.state !== 'running' && this.state !== 'reloading') throw new GantryError('GANTRY_ERR_APP_STATE', `app is ${this.state}`);
  }

  private setState(state: AppState, error?: SerializedError): void {
    if (state === 'failed' && error) this.error = error;
    if (state === 'starting') this.error = null;
    if (this.state === state) return;
    this.state = state;
    this.telemetry.event({ type: 'state', time: Date.now(), state, ...(error ? { error } : {}) });
  }
}
