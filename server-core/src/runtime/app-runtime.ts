// One app, running or not: the gateway, dispatcher, arbiter, log bus and metrics wired together behind
// the AppRuntime interface that `gantry serve`, the Host and the Electron main drive.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAppSettings, type AppSettings } from '../config/settings-table.js';
import { GantryError, serializeError } from '../errors.js';
import { Dispatcher } from '../gateway/dispatcher.js';
import type { ExchangeContext } from '../gateway/exchange.js';
import { BodyMemoryPool } from '../gateway/body-memory-pool.js';
import { HttpGateway, type PreHandler, type ProxyResolver } from '../gateway/http-gateway.js';
import type { BoundAddress } from '../gateway/listen-socket.js';
import { buildAccessEntry } from '../gateway/access-entry.js';
import { createProxyTrust } from '../gateway/proxy-headers.js';
import { createStaticHandler } from '../gateway/static-files.js';
import { formatNeedsHeaders } from '../logging/access-log-format.js';
import { flatResponseHeaders, type HeaderKeeping } from '../logging/header-keeper.js';
import { Arbiter, type ProcessStats } from '../supervisor/arbiter.js';
import { createProcessSampler, rssReaders } from '../supervisor/process-stats.js';
import { findPython } from '../supervisor/python-env.js';
import { AppTelemetry } from './app-telemetry.js';
import { checkWorkerCount, parseLivePatch } from './live-settings.js';
import { ShardedRuntime } from './sharded-runtime.js';
import type { Routable, RoutedVia } from './routable.js';
import type { AppEvent, AppRuntime, AppRuntimeEvents, AppStatus, MetricsSnapshot, ReloadMode, WorkerSnapshot } from './types.js';

export interface AppRuntimeOptions {
  /** The worker launcher; default <repo>/app/gantry_worker.py. */
  readonly workerScript?: string;
  /** The environment workers inherit before `env` settings; default process.env. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Sample worker RSS/CPU every 2 s (default true). */
  readonly processStats?: boolean;
  /**
   * Each request's headers (logging/header-keeper.ts): `keep` (default) holds up to 16 MB of them for the UI's
   * request drawer; `forward` only hands them to the access listeners (a gateway process: they cross to the primary,
   * which keeps them, so they are held once); `none` for `gantry serve`, which has no drawer.
   */
  readonly requestHeaders?: HeaderKeeping;
  /**
   * A gateway process of a multi-core gateway: do not listen; the primary listens on these addresses (one per
   * bind, in order) and hands connections over through adopt() (runtime/sharded-runtime.ts).
   */
  readonly adoptedListeners?: readonly BoundAddress[];
}

/** What an AppRuntime made here offers beyond the interface. */
export interface LocalAppRuntime extends AppRuntime {
  /** The interpreter in use, once started. */
  readonly python: string | null;
  /** With `adoptedListeners`: a connection accepted by the primary on listener `index`. */
  adopt?(index: number, socket: Socket): void;
}

const DEFAULT_WORKER_SCRIPT = fileURLToPath(new URL('../../../app/gantry_worker.py', import.meta.url));

export function createAppRuntime(settings: AppSettings, options: AppRuntimeOptions = {}): LocalAppRuntime {
  const valid = parseAppSettings(settings);
  // More than one gateway process: this process becomes their primary (runtime/sharded-runtime.ts).
  if (valid.gatewayProcesses > 1) return new ShardedRuntime(valid, options);
  return new Runtime(valid, options);
}

class Runtime implements LocalAppRuntime, Routable {
  python: string | null = null;
  private settings: AppSettings;
  private readonly dispatcher: Dispatcher;
  private readonly ctx: ExchangeContext;
  private gateway: HttpGateway | null = null;
  private arbiter: Arbiter | null = null;
  private socketDir: string | null = null;
  private readonly telemetry: AppTelemetry;
  private stopping: Promise<void> | null = null;
  private watcher: { close(): Promise<void> } | null = null;
  private ownState: AppStatus['state'] = 'stopped';
  private ownError: AppStatus['error'] = null;

  constructor(
    settings: AppSettings,
    private readonly options: AppRuntimeOptions,
  ) {
    this.settings = settings;
    this.dispatcher = new Dispatcher(settings.maxQueue);
    const telemetry = new AppTelemetry(
      () => this.name,
      () => ({ inFlight: this.dispatcher.inFlight, queueDepth: this.dispatcher.queueDepth, workers: this.workers() }),
      options.requestHeaders ?? 'keep',
    );
    this.telemetry = telemetry;
    this.ctx = {
      appName: this.name,
      dispatcher: this.dispatcher,
      limitRequestBody: settings.limitRequestBody,
      streamRequestBody: settings.streamRequestBody,
      bodyTimeout: settings.bodyTimeout,
      bodyMemory: new BodyMemoryPool(settings.bodyBufferMemory),
      includeHeaders: formatNeedsHeaders(settings.accessLogformat),
      access: (entry, rawRequestHeaders, rawResponseHeaders) => telemetry.access(entry, rawRequestHeaders, rawResponseHeaders),
      output: (line) => telemetry.output(line),
    };
  }

  /** The arbiter's events and this runtime's own: the state is remembered for when no arbiter is there to ask. */
  private emit(e: AppEvent): void {
    if (e.type === 'state') {
      this.ownState = e.state;
      this.ownError = e.error ?? (e.state === 'starting' ? null : this.ownError);
    }
    this.telemetry.event(e);
  }

  private get name(): string {
    return this.settings.name || this.settings.app;
  }

  status(): AppStatus {
    const state = this.arbiter?.state ?? this.ownState;
    const urls = this.gateway?.urls ?? [];
    const healthy = state === 'running' && this.dispatcher.accepting().length > 0 && (this.gateway?.accepting ?? false);
    return {
      name: this.name,
      state,
      urls,
      healthy,
      generation: this.arbiter?.generation ?? 0,
      error: this.arbiter?.error ?? this.ownError,
      settings: this.settings,
    };
  }

  route(req: IncomingMessage, res: ServerResponse, expectContinue: boolean, via: RoutedVia): boolean {
    const gateway = this.gateway;
    if (gateway === null || !gateway.accepting) return false;
    gateway.serveRouted(req, res, expectContinue, via);
    return true;
  }

  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void {
    return this.telemetry.on(event, listener);
  }

  adopt(index: number, socket: Socket): void {
    if (this.gateway === null) socket.destroy();
    else this.gateway.accept(index, socket);
  }

  async start(): Promise<void> {
    const state = this.status().state;
    if (state !== 'stopped' && state !== 'failed') throw new GantryError('GANTRY_ERR_APP_STATE', `cannot start while ${state}`);
    const s = this.settings;
    const cwd = resolve(s.chdir);
    this.stopping = null;
    this.arbiter = null;
    this.ownError = null;
    let python: string;
    try {
      python = findPython(s.python, cwd, this.options.baseEnv ?? process.env).path;
    } catch (err) {
      this.fail(err);
      throw err;
    }
    this.python = python;
    this.dispatcher.mode = 'queue';
    this.dispatcher.maxQueue = s.maxQueue;
    this.ctx.limitRequestBody = s.limitRequestBody;
    this.ctx.streamRequestBody = s.streamRequestBody;
    this.ctx.bodyTimeout = s.bodyTimeout;
    this.ctx.bodyMemory.limit = s.bodyBufferMemory;
    this.ctx.includeHeaders = formatNeedsHeaders(s.accessLogformat);
    this.telemetry.resetMetrics();
    const gateway = new HttpGateway(s, this.ctx);
    gateway.preHandlers = this.preHandlers(s, cwd);
    gateway.proxy = proxyResolver(s.forwardedAllowIps, s.forwardedAllowHost);
    try {
      if (this.options.adoptedListeners) {
        await gateway.loadTls();
        gateway.adopt(this.options.adoptedListeners);
      } else await gateway.listen();
    } catch (err) {
      this.fail(err);
      throw err;
    }
    if (this.stopping !== null) {
      // stop() came while the listener opened (its teardown found nothing to stop): close it and say so, as the
      // arbiter does for a stop during the workers' boot.
      const closed = gateway.close(0);
      gateway.closeAllConnections();
      await closed;
      throw new GantryError('GANTRY_ERR_APP_STATE', 'stopped while starting');
    }
    this.gateway = gateway;
    this.socketDir = mkdtempSync(join(tmpdir(), 'gantry-'));
    const sampler = this.options.processStats === false ? null : createProcessSampler();
    const arbiter = new Arbiter(s, {
      appName: this.name,
      python,
      workerScript: this.options.workerScript ?? process.env.GANTRY_WORKER_SCRIPT ?? DEFAULT_WORKER_SCRIPT,
      socketDir: this.socketDir,
      cwd,
      baseEnv: this.options.baseEnv ?? process.env,
      dispatcher: this.dispatcher,
      event: (e) => this.emit(e),
      output: (line) => this.telemetry.output(line),
      processStats: sampler
        ? async (pid: number): Promise<ProcessStats | null> => {
            const st = (await sampler.sample([pid])).get(pid);
            return st ? { rssBytes: st.rssBytes, cpuPercent: st.cpuPercent ?? 0 } : null;
          }
        : undefined,
      rssReader: sampler ? ((await rssReaders()) ?? undefined) : undefined,
    });
    this.arbiter = arbiter;
    try {
      await arbiter.start();
    } catch (err) {
      await this.teardown(0);
      throw err;
    }
    if (s.reload) await this.watch(python, cwd);
  }

  private fail(err: unknown): void {
    const error = serializeError(err);
    this.emit({ type: 'state', time: Date.now(), state: 'failed', error });
  }

  private preHandlers(s: AppSettings, cwd: string): PreHandler[] {
    if (Object.keys(s.static).length === 0) return [];
    const serve = createStaticHandler(s.static, {
      cwd,
      dotfiles: s.staticDotfiles,
      onError: (err) => this.telemetry.say('error', `static file error: ${String(err)}`),
    });
    return [
      (req: IncomingMessage, res: ServerResponse, requestId: string) => {
        if (!serve(req, res)) return false;
        const t0 = performance.now();
        const time = Date.now();
        // The handler may already have answered (a 404 or 400 it sends at once).
        if (!res.headersSent) res.setHeader('X-Request-ID', requestId);
        res.once('finish', () => {
          const len = Number(res.getHeader('content-length') ?? 0);
          const responseHeaders = flatResponseHeaders(res.getHeaders());
          this.ctx.access(
            buildAccessEntry(this.name, req, {
              time,
              requestId,
              status: res.statusCode,
              bytes: len,
              durationMs: performance.now() - t0,
              responseHeaders,
              includeHeaders: this.ctx.includeHeaders,
            }),
            req.rawHeaders,
            responseHeaders,
          );
        });
        return true;
      },
    ];
  }

  private async watch(python: string, cwd: string): Promise<void> {
    const { watchProject, checkSyntax } = await import('../supervisor/file-watcher.js');
    const say = (level: 'info' | 'error', text: string): void => this.telemetry.say(level, text);
    this.watcher = await watchProject({
      root: cwd,
      extraFiles: this.settings.reloadExtraFiles,
      onChange: (paths) => {
        void (async () => {
          const check = await checkSyntax(
            python,
            paths.filter((p) => p.endsWith('.py')),
            { cwd },
          );
          if (!check.ok) return say('error', `Not reloading, syntax error:\n${check.output}`);
          say('info', `Reloading: ${paths.length} file(s) changed`);
          await this.reload().catch((err: unknown) => say('error', `Reload failed: ${err instanceof Error ? err.message : String(err)}`));
        })();
      },
      onError: (err) => say('error', `file watcher: ${String(err)}`),
    });
  }

  async stop(options: { readonly graceful?: boolean } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    const graceful = options.graceful ?? true;
    this.stopping = this.teardown(graceful ? this.settings.gracefulTimeout * 1000 : 0);
    return this.stopping;
  }

  /** Stop accepting, let in-flight requests finish (within graceMs), stop workers, close everything. */
  private async teardown(graceMs: number): Promise<void> {
    const gateway = this.gateway;
    const arbiter = this.arbiter;
    await this.watcher?.close();
    this.watcher = null;
    const closed = gateway?.close(graceMs + 1000) ?? Promise.resolve();
    const deadline = Date.now() + graceMs;
    while ((this.dispatcher.inFlight > 0 || this.dispatcher.queueDepth > 0) && Date.now() < deadline && arbiter?.state !== 'failed') {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.dispatcher.mode = 'refuse';
    // Whatever is left of the grace period goes to the workers' own drain (never twice the setting).
    if (arbiter) await arbiter.stop(graceMs > 0, Math.max(0, deadline - Date.now()));
    gateway?.closeAllConnections();
    await closed;
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    this.socketDir = null;
    this.gateway = null;
  }

  async reload(options: { readonly mode?: ReloadMode; readonly settings?: AppSettings } = {}): Promise<void> {
    const arbiter = this.requireRunning();
    const next = options.settings ? parseAppSettings(options.settings) : this.settings;
    await arbiter.reload(options.mode ?? next.reloadMode, next);
    this.settings = next;
    this.dispatcher.maxQueue = next.maxQueue;
    this.gateway?.update(next);
    this.ctx.streamRequestBody = next.streamRequestBody;
    this.ctx.bodyTimeout = next.bodyTimeout;
    this.ctx.bodyMemory.limit = next.bodyBufferMemory;
    this.ctx.includeHeaders = formatNeedsHeaders(next.accessLogformat);
    if (this.gateway) this.gateway.proxy = proxyResolver(next.forwardedAllowIps, next.forwardedAllowHost);
  }

  async scale(workers: number): Promise<void> {
    const arbiter = this.requireRunning();
    checkWorkerCount(workers);
    this.settings = { ...this.settings, workers };
    await arbiter.scale(workers);
  }

  async update(settings: Partial<AppSettings>): Promise<void> {
    const arbiter = this.requireRunning();
    const { workers, rest } = parseLivePatch(settings);
    // The arbiter reads these from its settings on every pass of its loop (timeouts, recycling).
    this.settings = { ...this.settings, ...rest };
    arbiter.settings = { ...arbiter.settings, ...rest };
    arbiter.wake();
    if (workers !== undefined && workers !== this.settings.workers) await this.scale(workers);
  }

  async restartWorker(workerId: number): Promise<void> {
    await this.requireRunning().restartWorker(workerId);
  }

  workers(): readonly WorkerSnapshot[] {
    return this.arbiter?.snapshot() ?? [];
  }

  metrics(): MetricsSnapshot {
    return this.telemetry.metrics();
  }

  prometheus(): string {
    return this.telemetry.prometheus();
  }

  private requireRunning(): Arbiter {
    const a = this.arbiter;
    if (!a || (a.state !== 'running' && a.state !== 'reloading'))
      throw new GantryError('GANTRY_ERR_APP_STATE', `app is ${a?.state ?? 'stopped'}`);
    return a;
  }
}

/** Trusted-proxy headers, looked at only when a forwarding header is there (keeps the common path cheap). */
function proxyResolver(allowIps: readonly string[], allowHost: boolean): ProxyResolver | null {
  if (allowIps.length === 0) return null;
  const trust = createProxyTrust(allowIps);
  return (req) => {
    const raw = req.rawHeaders;
    let forwarded = false;
    for (let i = 0; i < raw.length; i += 2) {
      const c = raw[i]!.charCodeAt(0) | 0x20;
      if ((c === 0x78 /* x */ || c === 0x66) /* f */ && /^(x-forwarded-|forwarded$)/i.test(raw[i]!)) {
        forwarded = true;
        break;
      }
    }
    if (!forwarded) return null;
    // Forwarded headers that name no protocol leave the scheme the connection's own (https on a TLS bind).
    const client = trust.resolveClient(
      req.socket.remoteAddress,
      req.headers,
      (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    );
    if (!client.trusted) return null;
    // The forwarded host replaces HTTP_HOST only when the user asked for it (--forwarded-allow-host).
    return { remoteAddr: client.remoteAddr, scheme: client.scheme, ...(allowHost && client.host !== null ? { host: client.host } : {}) };
  };
}
