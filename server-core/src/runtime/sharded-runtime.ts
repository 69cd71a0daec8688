// The multi-core gateway (`--gateway-processes N`): this process listens and hands each new connection to the
// next of N gateway processes, round robin (connection-dealer.ts); each runs a whole app runtime over its
// share of the workers (global worker ids dealt round robin). This process keeps
// the AppRuntime interface: the logs, the metrics (from every access entry, so percentiles are exact), the
// state, and the supervision of the gateway processes themselves (one that dies is replaced, with back-off).
// Nothing crosses a process boundary per request but one access entry, in batches. docs/performance.md.
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseAppSettings, type AppSettings } from '../config/settings-table.js';
import { GantryError, serializeError, type SerializedError } from '../errors.js';
import { HeaderKeeper } from '../logging/header-keeper.js';
import { LogBus } from '../logging/log-bus.js';
import { AppMetrics } from '../metrics/app-metrics.js';
import type { AppRuntimeOptions, LocalAppRuntime } from './app-runtime.js';
import { ConnectionDealer } from './connection-dealer.js';
import { checkWorkerCount, parseLivePatch } from './live-settings.js';
import { fromWireAccess, globalWorkerId, localWorkerId, shardOf, shareOf, type FromShard, type ShardItem, type ShardOp, type ShardStatus, type ToShard } from './shard-protocol.js';
import type { AppEvent, AppState, AppStatus, AppRuntimeEvents, MetricsSnapshot, OutputLine, ReloadMode, WorkerSnapshot } from './types.js';
import { TIMED_OUT, within } from '../within.js';

/** The gateway process's entry: beside this module when compiled; from dist/ when this runs as TypeScript (tests). */
const SHARD_MAIN = import.meta.url.endsWith('.ts') ? fileURLToPath(new URL('../../dist/runtime/shard-main.js', import.meta.url)) : fileURLToPath(new URL('./shard-main.js', import.meta.url));

/** Worker exits that are not restarts (as in app-runtime.ts). */
const NOT_RESTARTS: ReadonlySet<string> = new Set(['stop', 'reload-failed', 'scale-down', 'boot-error']);

/** A gateway process that dies is replaced after this, doubling per quick death, up to the max. */
const RESPAWN_MIN_MS = 100;
const RESPAWN_MAX_MS = 30_000;
/** A gateway process that ran this long resets the back-off. */
const RESPAWN_RESET_MS = 30_000;
/** How long a gateway process may take to exit after its stop was answered (or not), before SIGKILL. */
const EXIT_GRACE_MS = 5_000;

interface PendingCall {
  resolve(): void;
  reject(err: GantryError): void;
}

/** A connection dealt to a gateway process, kept here until it says it has its own copy. */
interface Unacked {
  readonly listener: number;
  readonly socket: Socket;
}

interface Shard {
  readonly index: number;
  worker: ChildProcess | null;
  /** Started and taking connections. */
  ready: boolean;
  status: ShardStatus | null;
  startedAt: number;
  backoffMs: number;
  respawnTimer: NodeJS.Timeout | null;
  /** Settles when this gateway process has started (or failed to). */
  starting: { resolve(urls: readonly string[], python: string | null): void; reject(err: GantryError): void } | null;
  readonly calls: Map<number, PendingCall>;
  /** Connections sent to the current process that it has not yet said it got (their descriptors are still
   * open here). Replaced at each fork: the old process's list is settled when its channel closes. */
  unacked: Unacked[];
  /** Sent when the process says hello. */
  init: ToShard | null;
}

export class ShardedRuntime implements LocalAppRuntime {
  readonly logs: LogBus;
  python: string | null = null;
  private settings: AppSettings;
  private readonly count: number;
  private shards: Shard[] = [];
  private metricsRegistry: AppMetrics;
  private readonly headers = new HeaderKeeper();
  private state: AppState = 'stopped';
  private error: SerializedError | null = null;
  private generation = 0;
  private urls: readonly string[] = [];
  private nextCallId = 1;
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
    this.logs = new LogBus(options.logCapacity);
    this.metricsRegistry = new AppMetrics({ app: this.name });
  }

  private get name(): string {
    return this.settings.name || this.settings.app;
  }

  status(): AppStatus {
    const live = (this.dealer?.listening ?? false) && this.shards.length === this.count && this.shards.every((s) => s.ready && s.status?.healthy === true);
    return { name: this.name, state: this.state, urls: this.state === 'stopped' || this.state === 'failed' ? [] : this.urls, healthy: this.state === 'running' && live, generation: this.generation, error: this.error, settings: this.settings };
  }

  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void {
    return this.logs.on(event, listener);
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped' && this.state !== 'failed') throw new GantryError('GANTRY_ERR_APP_STATE', `cannot start while ${this.state}`);
    const s = this.settings;
    if (s.workers < this.count) {
      const err = new GantryError('GANTRY_ERR_INVALID_CONFIG', `workers: must be at least gatewayProcesses (${this.count}), each gateway process needs a worker`, { field: 'workers' });
      this.setState('failed', err.toJSON());
      throw err;
    }
    this.stopping = null;
    this.error = null;
    this.bootErrorSaid = false;
    this.generation = 1;
    this.metricsRegistry = new AppMetrics({ app: this.name });
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
    this.shards = Array.from({ length: this.count }, (_, index) => ({ index, worker: null, ready: false, status: null, startedAt: 0, backoffMs: RESPAWN_MIN_MS, respawnTimer: null, starting: null, calls: new Map(), init: null, unacked: [] }));
    try {
      const started = await Promise.all(this.shards.map((shard) => this.fork(shard)));
      this.python = started[0]!.python;
    } catch (err) {
      if (this.stopping !== null) {
        await this.killAll();
        throw new GantryError('GANTRY_ERR_APP_STATE', 'stopped while starting');
      }
      const error = serializeError(err);
      await this.dealer?.close();
      this.dealer = null;
      await this.killAll();
      this.setState('failed', error);
      throw GantryError.from(error);
    }
    if (this.stopping !== null) {
      await this.killAll();
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
    for (const shard of this.shards) {
      if (shard.respawnTimer !== null) clearTimeout(shard.respawnTimer);
      shard.respawnTimer = null;
    }
    // No new connections; those already dealt are finished (or cut) by their gateway processes.
    await this.dealer?.close();
    this.dealer = null;
    const replyWithin = (graceful ? this.settings.gracefulTimeout * 1000 : 0) + 10_000;
    await Promise.all(
      this.shards.map(async (shard) => {
        const worker = shard.worker;
        if (worker === null) return;
        const exited = exitOf(worker);
        shard.ready = false;
        await within(this.call(shard, { op: 'stop', graceful }).catch(() => {}), replyWithin);
        if ((await within(exited, EXIT_GRACE_MS)) === TIMED_OUT) {
          worker.kill('SIGKILL');
          await exited;
        }
      }),
    );
    this.setState(failed ? 'failed' : 'stopped', failed ? (this.error ?? undefined) : undefined);
  }

  async reload(options: { readonly mode?: ReloadMode; readonly settings?: AppSettings } = {}): Promise<void> {
    this.requireRunning();
    const next = options.settings ? parseAppSettings(options.settings) : this.settings;
    const mode = options.mode ?? next.reloadMode;
    const generation = this.generation + 1;
    this.bootErrorSaid = false;
    this.emitEvent({ type: 'reload', time: Date.now(), phase: 'started', generation, mode });
    this.setState('reloading');
    try {
      // Every gateway process reloads its own share; a share that fails keeps its old workers serving.
      await this.callAll((shard) => ({ op: 'reload', mode, settings: this.shardSettings(next, shard.index) }));
    } catch (err) {
      this.setState('running');
      this.emitEvent({ type: 'reload', time: Date.now(), phase: 'failed', generation, mode, error: serializeError(err) });
      throw err;
    }
    this.generation = generation;
    this.settings = { ...next, gatewayProcesses: this.count };
    this.setState('running');
    this.emitEvent({ type: 'reload', time: Date.now(), phase: 'done', generation, mode });
  }

  async scale(workers: number): Promise<void> {
    this.requireRunning();
    checkWorkerCount(workers);
    if (workers < this.count) throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `workers: must be at least gatewayProcesses (${this.count})`, { field: 'workers' });
    const from = this.settings.workers;
    this.settings = { ...this.settings, workers };
    await this.callAll((shard) => ({ op: 'scale', workers: shareOf(workers, shard.index, this.count) }));
    if (from !== workers) this.emitEvent({ type: 'scale', time: Date.now(), from, to: workers });
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
    const shard = this.shards[shardOf(workerId, this.count)];
    if (!Number.isInteger(workerId) || workerId < 1 || shard === undefined || shard.worker === null) throw new GantryError('GANTRY_ERR_APP_STATE', `no running worker ${workerId}`);
    await this.call(shard, { op: 'restartWorker', workerId: localWorkerId(workerId, this.count) });
  }

  workers(): readonly WorkerSnapshot[] {
    const all: WorkerSnapshot[] = [];
    for (const shard of this.shards) for (const w of shard.status?.workers ?? []) all.push(w);
    return all.sort((a, b) => a.id - b.id || a.generation - b.generation);
  }

  metrics(): MetricsSnapshot {
    this.refreshGauges();
    return this.metricsRegistry.snapshot();
  }

  prometheus(): string {
    this.refreshGauges();
    return this.metricsRegistry.prometheus();
  }

  private refreshGauges(): void {
    let inFlight = 0;
    let queued = 0;
    for (const shard of this.shards) {
      inFlight += shard.status?.inFlight ?? 0;
      queued += shard.status?.queueDepth ?? 0;
    }
    this.metricsRegistry.setInFlight(inFlight);
    this.metricsRegistry.setQueueDepth(queued);
    this.metricsRegistry.setWorkers(this.workers());
  }

  /** A shard's settings: its share of the workers and of the queue, one gateway, no metrics listener. */
  private shardSettings(s: AppSettings, index: number): AppSettings {
    return { ...s, workers: shareOf(s.workers, index, this.count), maxQueue: Math.ceil(s.maxQueue / this.count), gatewayProcesses: 1, metricsBind: '' };
  }

  private fork(shard: Shard): Promise<{ urls: readonly string[]; python: string | null }> {
    // In Electron's main process, process.execPath is Electron: run it as plain node.
    const env = process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;
    const worker = fork(SHARD_MAIN, [], { env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    shard.worker = worker;
    const unacked: Unacked[] = [];
    shard.unacked = unacked;
    shard.ready = false;
    shard.status = null;
    shard.startedAt = Date.now();
    const started = new Promise<{ urls: readonly string[]; python: string | null }>((resolve, reject) => {
      shard.starting = { resolve: (urls, python) => resolve({ urls, python }), reject };
    });
    worker.on('message', (m: FromShard) => this.onMessage(shard, m, unacked));
    worker.on('error', () => {});
    worker.on('exit', (code, signal) => this.onExit(shard, worker, code, signal));
    // 'close' comes after the process exited and its channel ended, and the channel's end after every message
    // the process wrote, so by then each 'got' it sent has been counted: what is left it never started to read
    // (it reads a connection only once its 'got' is written) and goes to another gateway process instead of
    // failing. Not 'disconnect': node never emits it for a channel that ends with a handle unacknowledged.
    worker.on('close', () => {
      for (const { listener, socket } of unacked.splice(0)) this.redeal(listener, socket);
    });
    const init: ToShard = {
      t: 'init',
      index: shard.index,
      count: this.count,
      settings: this.shardSettings(this.settings, shard.index),
      ...(this.options.workerScript !== undefined ? { workerScript: this.options.workerScript } : {}),
      ...(this.options.baseEnv !== undefined ? { baseEnv: this.options.baseEnv } : {}),
      processStats: this.options.processStats !== false,
      forwardHeaders: this.options.requestHeaders !== false,
      listeners: this.dealer?.addresses ?? [],
    };
    shard.init = init;
    return started;
  }

  /** `unacked` is the sending process's own list (a message can trail its replacement's fork). */
  private onMessage(shard: Shard, m: FromShard, unacked: Unacked[]): void {
    switch (m.t) {
      case 'got':
        for (let i = 0; i < m.n; i++) unacked.shift()?.socket.destroy();
        return;
      case 'hello':
        if (shard.init !== null) shard.worker?.send(shard.init);
        shard.init = null;
        return;
      case 'batch':
        for (const item of m.items) this.onItem(shard, item);
        return;
      case 'status':
        shard.status = { ...m, workers: m.workers.map((w) => ({ ...w, id: globalWorkerId(w.id, shard.index, this.count) })) };
        if (m.state === 'failed' && (this.state === 'running' || this.state === 'reloading')) {
          // A share that can no longer import the app (a respawn's boot error) fails the app, as with one gateway.
          this.setState('failed', m.error ?? { code: 'GANTRY_ERR_WORKER_BOOT', message: `gateway process ${shard.index + 1} failed` });
        }
        return;
      case 'started':
        shard.ready = true;
        shard.starting?.resolve(m.urls, m.python);
        shard.starting = null;
        this.dealer?.flush();
        return;
      case 'start-failed':
        shard.starting?.reject(GantryError.from(m.error));
        shard.starting = null;
        return;
      case 'reply': {
        const pending = shard.calls.get(m.id);
        shard.calls.delete(m.id);
        if (m.error === null) pending?.resolve();
        else pending?.reject(GantryError.from(m.error));
        return;
      }
    }
  }

  private onItem(shard: Shard, item: ShardItem): void {
    if (item[0] === 'a') {
      const wire = item[1];
      const id = wire[10] === null ? null : globalWorkerId(wire[10], shard.index, this.count);
      const entry = fromWireAccess(wire, this.name, id);
      if (wire[17] !== null || wire[18] !== null) this.headers.keep(entry, wire[17] ?? undefined, wire[18]);
      this.metricsRegistry.record(entry.status, entry.durationMs, id, entry.truncated === true);
      this.logs.emitAccess(entry);
    } else if (item[0] === 'o') {
      const line: OutputLine = item[1].workerId === null ? item[1] : { ...item[1], workerId: globalWorkerId(item[1].workerId, shard.index, this.count) };
      this.logs.emitOutput(line);
    } else {
      const event = this.shardEvent(shard, item[1]);
      if (event === null) return;
      if (event.type === 'worker-exit' && !NOT_RESTARTS.has(event.exit.reason)) this.metricsRegistry.recordRestart(event.exit.reason);
      this.logs.emitEvent(event);
    }
  }

  /** A shard's event as the app's: global worker ids; state, reload and scale are this process's own to say. */
  private shardEvent(shard: Shard, e: AppEvent): AppEvent | null {
    switch (e.type) {
      case 'state':
      case 'reload':
      case 'scale':
        return null;
      case 'boot-error':
        // Every share fails the same way when the app cannot be imported: say it once.
        if (this.state === 'failed' || this.bootErrorSaid) return null;
        this.bootErrorSaid = true;
        return e;
      case 'worker-exit':
      case 'recycle':
        return { ...e, workerId: globalWorkerId(e.workerId, shard.index, this.count) };
      default:
        return e;
    }
  }

  private onExit(shard: Shard, worker: ChildProcess, code: number | null, signal: string | null): void {
    if (shard.worker !== worker) return;
    shard.worker = null;
    shard.ready = false;
    shard.status = null;
    const why = signal !== null ? `signal ${signal}` : `exit code ${code}`;
    const gone = new GantryError('GANTRY_ERR_INTERNAL', `gateway process ${shard.index + 1} (pid ${worker.pid}) exited (${why})`);
    shard.starting?.reject(gone);
    shard.starting = null;
    for (const pending of shard.calls.values()) pending.reject(gone);
    shard.calls.clear();
    if (this.stopping !== null || (this.state !== 'running' && this.state !== 'reloading')) return;
    // Its workers went with it (their lifeline). The other gateway processes keep serving meanwhile.
    if (Date.now() - shard.startedAt > RESPAWN_RESET_MS) shard.backoffMs = RESPAWN_MIN_MS;
    const delay = shard.backoffMs;
    shard.backoffMs = Math.min(RESPAWN_MAX_MS, shard.backoffMs * 2);
    this.say('error', `${gone.message}; starting a new one in ${delay} ms`);
    shard.respawnTimer = setTimeout(() => {
      shard.respawnTimer = null;
      if (this.stopping !== null) return;
      this.fork(shard).then(
        () => this.say('info', `gateway process ${shard.index + 1} is back (pid ${shard.worker?.pid ?? '?'})`),
        (err: unknown) => {
          if (this.stopping === null && shard.worker !== null) this.setState('failed', serializeError(err));
        },
      );
    }, delay);
  }

  private call(shard: Shard, op: ShardOp): Promise<void> {
    const worker = shard.worker;
    if (worker === null || !worker.connected) return Promise.reject(new GantryError('GANTRY_ERR_APP_STATE', `gateway process ${shard.index + 1} is not running`));
    const id = this.nextCallId++;
    return new Promise<void>((resolve, reject) => {
      shard.calls.set(id, { resolve, reject });
      worker.send({ t: 'call', id, ...op } satisfies ToShard);
    });
  }

  /** The same call on every gateway process; the first failure is the answer, after all have settled. */
  private async callAll(op: (shard: Shard) => ShardOp): Promise<void> {
    const results = await Promise.allSettled(this.shards.map((shard) => this.call(shard, op(shard))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async killAll(): Promise<void> {
    await Promise.all(
      this.shards.map(async (shard) => {
        if (shard.respawnTimer !== null) clearTimeout(shard.respawnTimer);
        const worker = shard.worker;
        if (worker === null) return;
        const exited = exitOf(worker);
        shard.ready = false;
        await within(this.call(shard, { op: 'stop', graceful: false }).catch(() => {}), 5_000);
        if ((await within(exited, EXIT_GRACE_MS)) === TIMED_OUT) {
          worker.kill('SIGKILL');
          await exited;
        }
      }),
    );
  }

  /**
   * Round robin over the gateway processes that are ready, preferring those with a worker taking requests:
   * one whose workers all wait out a crash back-off would answer its connections 503 while another serves.
   * The returned function sends one connection.
   */
  private nextReceiver(): ((listener: number, socket: Socket) => boolean) | null {
    const n = this.shards.length;
    for (let i = 0; i < 2 * n; i++) {
      const shard = this.shards[(this.turn + i) % n]!;
      const worker = shard.worker;
      if (!shard.ready || worker === null || !worker.connected) continue;
      if (i < n && shard.status?.healthy === false) continue;
      this.turn = (shard.index + 1) % n;
      return (listener, socket) => {
        if (!worker.connected) return false;
        // Our copy of the descriptor stays open until the process says it has its own ('got'); one that dies
        // first leaves it here, and 'close' deals it again. A send that fails never left.
        const entry: Unacked = { listener, socket };
        const unacked = shard.unacked;
        unacked.push(entry);
        worker.send({ t: 'conn', listener } satisfies ToShard, socket, { keepOpen: true }, (err) => {
          if (!err) return;
          const at = unacked.indexOf(entry);
          if (at < 0) return;
          unacked.splice(at, 1);
          this.redeal(listener, socket);
        });
        return true;
      };
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
    this.emitEvent({ type: 'state', time: Date.now(), state, ...(error ? { error } : {}) });
  }

  private emitEvent(e: AppEvent): void {
    this.logs.emitEvent(e);
  }

  private say(level: 'info' | 'error', text: string): void {
    this.logs.emitOutput({ time: Date.now(), app: this.name, source: 'gantry', level, workerId: null, workerPid: null, requestId: null, text });
  }
}

/** Resolves when the child has exited (at once if it already has). */
function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((r) => child.once('exit', () => r()));
}
