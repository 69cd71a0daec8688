// The master, gunicorn-style: process events (ready, exit, boot error) only record what happened and
// wake the loop; the loop acts — reapWorker, murderWorkers (timeouts), manageWorkers (bring each slot
// back, scale down, recycle) — so every decision is made in one place, one step at a time.
import type { AppSettings } from '../config/settings.js';
import { GantryError, serializeError, type ErrorCode, type SerializedError } from '../errors.js';
import { outputLineBytes } from '../logging/line-splitter.js';
import { DispatchTarget } from '../gateway/dispatch-target.js';
import type { Dispatcher } from '../gateway/dispatcher.js';
import type { AppEvent, AppState, ExitReason, LogLevel, OutputLine, WorkerSnapshot } from '../runtime/types.js';
import { Backoff, WORKER_BACKOFF } from './backoff.js';
import { BOOT_EXIT_CODES, bootFailure } from './boot-failure.js';
import { reloadGeneration, reloadRolling, type ReloadOps } from './reload-strategies.js';
import type { RssReader } from './process-stats.js';
import { launchSpec } from './worker-launch.js';
import { deferred, snapshotOf, type BootFailurePolicy, type SlotHistory, type WorkerRecord } from './worker-record.js';
import { WorkerProcess } from './worker-process.js';

export interface ProcessStats {
  readonly rssBytes: number;
  readonly cpuPercent: number;
}

export interface ArbiterOptions {
  readonly appName: string;
  readonly python: string;
  readonly workerScript: string;
  readonly socketDir: string;
  /** The app's folder, absolute. */
  readonly cwd: string;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly dispatcher: Dispatcher;
  event(e: AppEvent): void;
  output(line: OutputLine): void;
  /** RSS/CPU of a pid (supervisor/process-stats.ts), when available. */
  readonly processStats?: ((pid: number) => Promise<ProcessStats | null>) | undefined;
  /** A synchronous RSS reader for a pid (supervisor/process-stats.ts), where one is cheap. */
  readonly rssReader?: ((pid: number) => RssReader | null) | undefined;
}

/**
 * Requests sent ahead to a single-threaded worker (it runs them in order, so it never sleeps between two
 * of them). GANTRY_PIPELINE_DEPTH overrides the setting, for benchmarks.
 */
function pipelineDepth(setting: number): number {
  const env = Number(process.env.GANTRY_PIPELINE_DEPTH);
  return Number.isInteger(env) && env >= 1 && env <= 16 ? env : setting;
}

/** RSS/CPU of every worker, for the UI and metrics. */
const STATS_EVERY_MS = 2000;
/** With --max-worker-rss: how often every worker is sampled. */
const WATCH_EVERY_MS = 100;

/** What a booting worker's stderr may hold back until it is ready or has failed. */
const BOOT_OUTPUT_LINES = 500;
const BOOT_OUTPUT_BYTES = 1024 * 1024;

/** How long a worker may take to import the app and say ready, at least: the boot timeout is this or --timeout. */
const BOOT_TIMEOUT_MS = 60_000;

/**
 * GANTRY_BOOT_TIMEOUT (seconds) replaces the 60 s floor (the boot timeout is then it or --timeout, whichever is
 * longer): a test of a worker that never becomes ready need not wait a minute, and an app known to import for longer
 * need not raise --timeout for every request.
 */
function bootTimeoutFloorMs(): number {
  const env = process.env.GANTRY_BOOT_TIMEOUT;
  const s = env === undefined || env.trim() === '' ? NaN : Number(env);
  return Number.isFinite(s) && s > 0 ? s * 1000 : BOOT_TIMEOUT_MS;
}

export class Arbiter {
  settings: AppSettings;
  state: AppState = 'stopped';
  error: SerializedError | null = null;
  /** The generation taking traffic. */
  generation = 0;
  private readonly workers = new Map<number, WorkerRecord>();
  private readonly slots = new Map<number, SlotHistory>();
  private uid = 0;
  private loopTimer: NodeJS.Timeout | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private wakeScheduled = false;
  private sampling = false;
  /** A generation reload holds manageWorkers back from the slots it is replacing. */
  private reloading = false;

  constructor(
    settings: AppSettings,
    private readonly opts: ArbiterOptions,
  ) {
    this.settings = settings;
  }

  private setState(state: AppState, error?: SerializedError): void {
    this.state = state;
    if (error) this.error = error;
    else if (state === 'starting' || state === 'running') this.error = null;
    this.opts.event({ type: 'state', time: Date.now(), state, ...(error ? { error } : {}) });
  }

  // --- public verbs --------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.setState('starting');
    this.generation = 1;
    this.opts.dispatcher.mode = 'queue';
    const recs: WorkerRecord[] = [];
    for (let id = 1; id <= this.settings.workers; id++) recs.push(this.spawnWorker(id, this.generation, 'fail-app', true));
    this.startLoop();
    try {
      await Promise.all(recs.map((r) => r.ready));
    } catch (err) {
      const state = this.state as AppState;
      if (state === 'stopping' || state === 'stopped') throw new GantryError('GANTRY_ERR_APP_STATE', 'stopped while starting');
      await this.halt(err as GantryError);
      throw err;
    }
    if (this.state === 'starting') this.setState('running');
  }

  /** Graceful: workers finish what they have (TERM), within gracefulTimeout; fast: a short grace only. */
  async stop(graceful: boolean, graceMs?: number): Promise<void> {
    if (this.state !== 'failed') this.setState('stopping');
    this.stopLoop();
    const grace = graceful ? Math.max(500, graceMs ?? this.settings.gracefulTimeout * 1000) : 500;
    await Promise.all([...this.workers.values()].map((r) => this.retire(r, 'stop', grace)));
    this.opts.dispatcher.refuseQueued('GANTRY_ERR_NO_WORKERS');
    if (this.state !== 'failed') this.setState('stopped');
  }

  /** Zero-downtime reload, in generations (all at once) or rolling (one worker at a time). */
  async reload(mode: 'generation' | 'rolling', settings?: AppSettings): Promise<void> {
    if (this.state !== 'running') throw new GantryError('GANTRY_ERR_APP_STATE', `cannot reload while ${this.state}`);
    const previous = this.settings;
    const generation = this.generation + 1;
    if (settings) this.settings = settings;
    this.setState('reloading');
    this.opts.event({ type: 'reload', time: Date.now(), phase: 'started', generation, mode });
    try {
      const ops = this.reloadOps(generation);
      if (mode === 'generation') await reloadGeneration(ops);
      else await reloadRolling(ops);
    } catch (err) {
      this.settings = previous;
      const error = serializeError(err, 'GANTRY_ERR_RELOAD_FAILED');
      this.opts.event({ type: 'reload', time: Date.now(), phase: 'failed', generation, mode, error });
      if ((this.state as AppState) === 'reloading') this.setState('running');
      this.wake();
      throw new GantryError('GANTRY_ERR_RELOAD_FAILED', `reload failed: ${error.message}`, { cause: error });
    }
    this.generation = generation;
    this.opts.event({ type: 'reload', time: Date.now(), phase: 'done', generation, mode });
    if ((this.state as AppState) === 'reloading') this.setState('running');
    this.wake();
  }

  /** What the reload strategies may do to this arbiter's workers. */
  private reloadOps(generation: number): ReloadOps {
    return {
      settings: this.settings,
      spawn: (id) => this.spawnWorker(id, generation, 'reject', false),
      retire: (rec, reason, graceMs) => this.retire(rec, reason, graceMs),
      live: () => [...this.workers.values()],
      switchIn: (rec) => {
        if (rec.target) this.opts.dispatcher.addTarget(rec.target);
      },
      holdSlots: (hold) => {
        this.reloading = hold;
      },
    };
  }

  async scale(workers: number): Promise<void> {
    const from = this.settings.workers;
    this.settings = { ...this.settings, workers };
    this.opts.event({ type: 'scale', time: Date.now(), from, to: workers });
    this.manageWorkers();
    const starting = [...this.workers.values()].filter((r) => r.state === 'starting' && r.id <= workers);
    await Promise.allSettled(starting.map((r) => r.ready));
  }

  /** Replaces one worker, rolling: the new one is ready before the old one stops taking traffic. */
  async restartWorker(id: number): Promise<void> {
    const rec = [...this.workers.values()].find((r) => r.id === id && r.retiring === null && r.replaceReason === null);
    if (!rec) throw new GantryError('GANTRY_ERR_APP_STATE', `no running worker ${id}`);
    rec.replaceReason = 'restart';
    this.manageWorkers();
    const fresh = [...this.workers.values()].find((r) => r.id === id && r !== rec && r.retiring === null);
    if (fresh) await fresh.ready;
    this.manageWorkers();
    await rec.proc.waitForExit(this.settings.gracefulTimeout * 1000 + 5000);
  }

  snapshot(): WorkerSnapshot[] {
    return [...this.workers.values()].map((r) => snapshotOf(r, this.slot(r.id))).sort((a, b) => a.id - b.id || a.generation - b.generation);
  }

  get restarts(): number {
    let n = 0;
    for (const s of this.slots.values()) n += s.restarts;
    return n;
  }

  // --- the loop ------------------------------------------------------------------------------------

  private startLoop(): void {
    this.stopLoop();
    const timeout = this.settings.timeout;
    const every = timeout > 0 ? Math.min(1000, Math.max(50, (timeout * 1000) / 8)) : 1000;
    this.loopTimer = setInterval(() => this.loop(), every);
    this.loopTimer.unref();
    if (this.opts.processStats) {
      let tick = 0;
      this.statsTimer = setInterval(() => {
        tick = (tick + 1) % (STATS_EVERY_MS / WATCH_EVERY_MS);
        // Every 2 s for the UI; with --max-worker-rss every 100 ms (/proc reads): a worker under load can
        // grow by hundreds of MB in 2 s.
        if (tick === 0 || this.settings.maxWorkerRss > 0) void this.sampleStats();
      }, WATCH_EVERY_MS);
      this.statsTimer.unref();
    }
  }

  private stopLoop(): void {
    if (this.loopTimer) clearInterval(this.loopTimer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.loopTimer = null;
    this.statsTimer = null;
  }

  /** Something happened: run the loop soon (once, however many events). */
  wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.loop();
    });
  }

  private loop(): void {
    if (this.state === 'stopped' || this.state === 'stopping' || this.state === 'failed') return;
    this.murderWorkers();
    this.manageWorkers();
  }

  /** Requests past the timeout: 504 to the client, the worker's stack captured, the worker replaced. */
  private murderWorkers(): void {
    const now = Date.now();
    // A worker that never says ready (an import that hangs) is a boot failure, not a wait forever.
    const bootLimit = Math.max(bootTimeoutFloorMs(), this.settings.timeout * 1000);
    for (const r of this.workers.values()) {
      if (r.state === 'starting' && r.retiring === null && now - r.startedAt > bootLimit) {
        r.bootError = {
          type: 'boot_error',
          code: 'GANTRY_ERR_WORKER_BOOT',
          message: `worker ${r.id} did not become ready within ${Math.round(bootLimit / 1000)} s`,
        };
        this.say('error', r.bootError.message, r);
        void r.proc.kill();
      }
    }
    const timeout = this.settings.timeout;
    if (timeout <= 0) return;
    for (const { target, job } of this.opts.dispatcher.overdue(now, timeout * 1000)) {
      const rec = this.byTarget(target);
      const durationMs = now - job.startedAt;
      job.timedOut();
      if (!rec || rec.retiring === 'timeout') continue;
      rec.retiring = 'timeout';
      this.opts.dispatcher.removeTarget(target);
      this.say(
        'error',
        `WORKER TIMEOUT (pid:${rec.proc.pid}) request ${job.requestId} ${job.method} ${job.path} after ${(durationMs / 1000).toFixed(1)}s`,
        rec,
      );
      void (async () => {
        const stack = await rec.proc.dumpStacks();
        this.opts.event({
          type: 'timeout',
          time: Date.now(),
          requestId: job.requestId,
          method: job.method,
          path: job.path,
          durationMs,
          workerPid: rec.proc.pid,
          stack,
        });
        for (const line of stack.split('\n')) if (line.trim() !== '') this.say('error', line, rec);
        await rec.proc.kill();
      })();
    }
  }

  /** Brings every slot to one live worker, stops extra ones, and starts recycling where due. */
  private manageWorkers(): void {
    if (this.state !== 'running' && this.state !== 'reloading' && this.state !== 'starting') return;
    const want = this.settings.workers;
    const now = Date.now();
    const covered = new Set<number>();
    for (const r of this.workers.values()) {
      if (r.retiring !== null) continue;
      if (r.id > want) {
        void this.retire(r, 'scale-down', this.settings.gracefulTimeout * 1000);
        continue;
      }
      if (r.replaceReason === null) covered.add(r.id);
      else if (!this.reloading) this.checkReplacement(r);
      if (r.state !== 'starting' && r.replaceReason === null) this.checkRecycle(r, now);
    }
    if (this.reloading) return;
    let soonest = Infinity;
    for (let id = 1; id <= want; id++) {
      if (covered.has(id)) continue;
      const slot = this.slot(id);
      if (slot.respawnAt > now) {
        soonest = Math.min(soonest, slot.respawnAt - now);
        continue;
      }
      slot.respawnAt = 0;
      this.spawnWorker(id, this.generation, 'fail-app', true);
    }
    // No worker alive or booting, every slot in back-off: nothing to wait for, so say when to come back.
    const anyAlive = [...this.workers.values()].some((r) => r.retiring === null);
    if (!anyAlive && soonest !== Infinity) this.opts.dispatcher.backingOff(soonest);
    else this.opts.dispatcher.backoffOver();
  }

  /** Max requests, memory, lifetime: mark for a rolling replacement. */
  private checkRecycle(r: WorkerRecord, now: number): void {
    const s = this.settings;
    const reqs = r.target?.requests ?? 0;
    let reason: string | null = null;
    if (r.maxRequests > 0 && reqs >= r.maxRequests) reason = 'max-requests';
    else if (s.maxWorkerRss > 0 && r.rssBytes !== null && r.rssBytes > s.maxWorkerRss * 1024 * 1024) reason = 'max-worker-rss';
    else if (s.maxWorkerLifetime > 0 && now - r.startedAt > s.maxWorkerLifetime * 1000) reason = 'max-worker-lifetime';
    if (reason === null) return;
    // Over its memory budget: no new request goes to it from now on (it finishes those it has, and
    // retires once its replacement is ready).
    if (reason === 'max-worker-rss' && r.target) this.opts.dispatcher.removeTarget(r.target);
    this.opts.event({ type: 'recycle', time: now, workerId: r.id, pid: r.proc.pid, reason });
    this.say('info', `Recycling worker (${reason})`, r);
    this.replace(r, reason);
  }

  private replace(r: WorkerRecord, reason: string): void {
    r.replaceReason = reason;
    this.wake();
  }

  /** A worker marked for replacement retires once a newer worker for its slot is ready. */
  private checkReplacement(r: WorkerRecord): void {
    for (const other of this.workers.values()) {
      if (other !== r && other.id === r.id && other.retiring === null && other.replaceReason === null && other.state !== 'starting') {
        void this.retire(r, r.replaceReason === 'restart' ? 'restart' : 'recycle', this.settings.gracefulTimeout * 1000);
        return;
      }
    }
  }

  // --- process events ------------------------------------------------------------------------------

  private spawnWorker(id: number, generation: number, policy: BootFailurePolicy, autoAdd: boolean): WorkerRecord {
    const uid = ++this.uid;
    const s = this.settings;
    const { socketPath, args, env } = launchSpec(s, this.opts, id, uid);
    const ready = deferred();
    let rec!: WorkerRecord;
    let bootBytes = 0;
    const proc = new WorkerProcess(
      { python: this.opts.python, script: this.opts.workerScript, args, cwd: this.opts.cwd, env, lifelineDir: this.opts.socketDir },
      {
        ready: () => this.onReady(rec),
        bootError: (msg) => {
          rec.bootError = msg;
        },
        stopping: () => {
          if (rec.target) {
            rec.target.draining = true;
            this.opts.dispatcher.removeTarget(rec.target);
          }
        },
        output: (source, text, level) => {
          if (source === 'stderr' && rec.bootOutput !== null) {
            // Held until the worker is ready or fails (a traceback printed twice otherwise): bounded.
            bootBytes += outputLineBytes({ text });
            if (rec.bootOutput.length < BOOT_OUTPUT_LINES && bootBytes <= BOOT_OUTPUT_BYTES)
              rec.bootOutput.push({ time: Date.now(), text, level });
            return;
          }
          this.workerOutput(rec, source, text, level, Date.now());
        },
        exit: (code, signal) => this.reapWorker(rec, code, signal),
      },
    );
    const jitter = s.maxRequestsJitter > 0 ? Math.floor(Math.random() * (s.maxRequestsJitter + 1)) : 0;
    rec = {
      uid,
      id,
      generation,
      threads: s.threads,
      socketPath,
      proc,
      startedAt: Date.now(),
      policy,
      autoAdd,
      state: 'starting',
      target: null,
      retiring: null,
      replaceReason: null,
      maxRequests: s.maxRequests > 0 ? s.maxRequests + jitter : 0,
      bootError: null,
      bootOutput: [],
      rssBytes: null,
      cpuPercent: null,
      rss: null,
      ready: ready.promise,
      resolveReady: ready.resolve,
      rejectReady: ready.reject,
    };
    this.workers.set(uid, rec);
    this.say('info', `Booting worker with pid: ${proc.pid}`, rec);
    return rec;
  }

  private workerOutput(rec: WorkerRecord, source: 'stdout' | 'stderr', text: string, level: LogLevel, time: number): void {
    this.opts.output({ time, app: this.opts.appName, source, level, workerId: rec.id, workerPid: rec.proc.pid, requestId: null, text });
  }

  private flushBootOutput(rec: WorkerRecord): void {
    const lines = rec.bootOutput;
    rec.bootOutput = null;
    for (const l of lines ?? []) this.workerOutput(rec, 'stderr', l.text, l.level, l.time);
  }

  private onReady(rec: WorkerRecord): void {
    this.flushBootOutput(rec);
    if (rec.retiring !== null) return;
    rec.state = 'idle';
    rec.target = new DispatchTarget(
      rec.socketPath,
      rec.threads,
      { workerId: rec.id, pid: rec.proc.pid, generation: rec.generation },
      rec.threads === 1 ? pipelineDepth(this.settings.pipelineDepth) : 1,
    );
    rec.rss = this.opts.rssReader?.(rec.proc.pid) ?? null;
    rec.target.onRequestDone = (t) => this.requestDone(rec, t);
    if (rec.autoAdd) this.opts.dispatcher.addTarget(rec.target);
    rec.resolveReady();
    this.wake();
  }

  /**
   * A request finished on this worker, before its slot is offered to the next one. With --max-worker-rss the
   * worker's RSS is read now (one pread, where cheap): a worker over budget gets no new request from this moment
   * (it finishes those already in it) and is replaced. The 100 ms sample alone let a worker growing 10 MB a request
   * take 8-12 more requests past its budget.
   */
  private requestDone(rec: WorkerRecord, t: DispatchTarget): void {
    if (rec.maxRequests > 0 && t.requests === rec.maxRequests) this.wake();
    const budgetMb = this.settings.maxWorkerRss;
    if (budgetMb <= 0 || rec.rss === null) return;
    const rss = rec.rss.read();
    if (rss === null) return;
    rec.rssBytes = rss;
    if (rss > budgetMb * 1024 * 1024 && t.accepting) {
      this.opts.dispatcher.removeTarget(t);
      this.wake();
    }
  }

  /** A worker process exited: record why, fail its in-flight requests, decide about a respawn. */
  private reapWorker(rec: WorkerRecord, code: number | null, signal: string | null): void {
    this.workers.delete(rec.uid);
    rec.rss?.close();
    const wasReady = rec.state !== 'starting';
    rec.state = 'exited';
    if (rec.target) this.opts.dispatcher.forget(rec.target);
    const slot = this.slot(rec.id);
    // gunicorn's exit codes 3/4 mean "failed to boot" only from a worker that never became ready: a ready one
    // exiting 3 (the app's own sys.exit(3) in a view) crashed.
    const bootCode = rec.bootError ? (rec.bootError.code as ErrorCode) : code !== null && !wasReady ? BOOT_EXIT_CODES[code] : undefined;
    // Exit 0 that we did not ask for is the worker's own clean stop (its max-requests, a stray signal).
    const cleanExit = wasReady && code === 0 && rec.retiring === null;
    const reason = rec.retiring ?? (bootCode ? 'boot-error' : cleanExit ? 'exited' : 'crashed');
    const exit: ExitReason = { code, signal, reason, stderrTail: rec.proc.stderrTail(), at: Date.now() };
    for (const line of rec.proc.fatalStack()) this.say('error', line, rec);
    // A reload replaces the whole generation on purpose: the new worker in this slot did not restart, and the old
    // one's exit is not its history (the reload event says what happened).
    const replacedByReload = rec.retiring === 'reload';
    if (!replacedByReload) slot.lastExit = exit;
    let respawnInMs: number | null = null;
    if (!wasReady) {
      // A worker we stopped while it booted (the app failing elsewhere) may have printed the same traceback.
      if (bootCode === undefined && rec.retiring === null) this.flushBootOutput(rec);
      rec.bootOutput = null;
      const error = bootFailure(rec, code, signal, bootCode);
      rec.rejectReady(error);
      if (rec.retiring === null && rec.policy === 'fail-app' && (bootCode !== undefined || this.state === 'starting')) {
        this.opts.event({ type: 'worker-exit', time: Date.now(), workerId: rec.id, pid: rec.proc.pid, exit, respawnInMs: null });
        if (this.state !== 'starting') void this.halt(error);
        return;
      }
    }
    if (rec.retiring === null && (this.state === 'running' || this.state === 'reloading')) {
      slot.restarts++;
      if (cleanExit) slot.backoff.reset();
      const delay = cleanExit ? 0 : slot.backoff.next(Date.now() - rec.startedAt);
      respawnInMs = rec.policy === 'fail-app' || wasReady ? delay : null;
      if (respawnInMs !== null) slot.respawnAt = Date.now() + respawnInMs;
      this.say(
        'warning',
        `Worker (pid:${rec.proc.pid}) exited with ${signal ?? `code ${code}`}${respawnInMs ? `; restarting in ${respawnInMs} ms` : ''}`,
        rec,
      );
      if (respawnInMs !== null && respawnInMs > 0) setTimeout(() => this.wake(), respawnInMs).unref();
    } else if (rec.retiring !== null && rec.retiring !== 'stop' && rec.retiring !== 'reload-failed' && !replacedByReload) {
      slot.restarts++;
    }
    this.opts.event({ type: 'worker-exit', time: Date.now(), workerId: rec.id, pid: rec.proc.pid, exit, respawnInMs });
    this.wake();
  }

  /** The app cannot run (boot error): stop every worker, refuse traffic, keep the traceback. */
  private async halt(error: GantryError): Promise<void> {
    if (this.state === 'failed') return;
    const serialized = { ...error.toJSON() };
    this.opts.event({ type: 'boot-error', time: Date.now(), error: serialized });
    this.setState('failed', serialized);
    this.stopLoop();
    this.opts.dispatcher.mode = 'refuse';
    this.opts.dispatcher.refuseQueued('GANTRY_ERR_NO_WORKERS');
    await Promise.all([...this.workers.values()].map((r) => this.retire(r, 'stop', 1000)));
  }

  /** Stops one worker on purpose: out of dispatch now, TERM (finish in-flight), KILL after `graceMs`. */
  private async retire(rec: WorkerRecord, reason: string, graceMs: number): Promise<void> {
    if (rec.retiring === null) rec.retiring = reason;
    const target = rec.target;
    if (target) {
      target.draining = true;
      this.opts.dispatcher.removeTarget(target);
    }
    // Past the grace period the worker is killed with requests it did read: those are not retried.
    await rec.proc.stop(graceMs, () => {
      if (target) target.draining = false;
    });
  }

  private async sampleStats(): Promise<void> {
    const stats = this.opts.processStats;
    if (!stats || this.sampling) return;
    this.sampling = true;
    await Promise.all(
      [...this.workers.values()].map(async (r) => {
        const s = await stats(r.proc.pid).catch(() => null);
        if (s) {
          r.rssBytes = s.rssBytes;
          r.cpuPercent = s.cpuPercent;
        }
      }),
    );
    this.sampling = false;
    if (this.settings.maxWorkerRss > 0) this.wake();
  }

  private byTarget(target: DispatchTarget): WorkerRecord | undefined {
    for (const r of this.workers.values()) if (r.target === target) return r;
    return undefined;
  }

  private slot(id: number): SlotHistory {
    let s = this.slots.get(id);
    if (!s) {
      s = { restarts: 0, backoff: new Backoff(WORKER_BACKOFF), lastExit: null, respawnAt: 0 };
      this.slots.set(id, s);
    }
    return s;
  }

  private say(level: OutputLine['level'], text: string, rec: WorkerRecord | null): void {
    this.opts.output({
      time: Date.now(),
      app: this.opts.appName,
      source: 'gantry',
      level,
      workerId: rec?.id ?? null,
      workerPid: rec?.proc.pid ?? null,
      requestId: null,
      text,
    });
  }
}
