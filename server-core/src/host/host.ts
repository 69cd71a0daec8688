// The Host: many apps, their saved definitions, and every operation the control API offers on them.
// One AppRuntime per running app (createAppRuntime); definitions persist through the ConfigStore.
import { deployFolder, exportApp, writeExport } from '../export/index.js';
import { buildExportInput, DEFAULT_EXPORT_PROFILE } from '../export/source.js';
import path from 'node:path';
import type { AppSettings } from '../config/settings.js';
import {
  updateAppBodySchema,
  type AccessQuery,
  type AccessRecord,
  type AddAppBody,
  type AddAppResponse,
  type AppStatusView,
  type AppSummary,
  type AppView,
  type DetectionResult,
  type EffectiveSettings,
  type EventRecord,
  type FsListing,
  type LaunchResult,
  type MetricsView,
  type Notice,
  type OutputQuery,
  type OutputPage,
  type OutputRecord,
  type Page,
  type PortCheckResult,
  type RequestDetail,
  type RoutesView,
  type SaveToProjectResult,
  type ExportBody,
  type ExportResult,
  type UpdateAppBody,
  type UpdateAppResponse,
} from '../control/contract.js';
import type { AppDefinition } from '../config/app-definition.js';
import { isFolder } from '../config/folder-check.js';
import { GantryError, isGantryError } from '../errors.js';
import { TIMED_OUT, within } from '../within.js';
import { Ring } from '../ring.js';
import { createAppRuntime, type AppRuntimeOptions } from '../runtime/app-runtime.js';
import type { AppRuntime, ReloadMode, WorkerSnapshot } from '../runtime/types.js';
import { AppSlot } from './app-slot.js';
import type { LogCapacities } from './app-logs.js';
import { ConfigStore, type LoadResult } from './config-store.js';
import { startSlot, type RuntimeFactory } from './app-start.js';
import { applyUpdate, checkPortClaims, invalid, tcpPorts, uniqueId, validateDefinition } from './definitions.js';
import { DEMO_APP_ID, DEMO_APP_NAME, DEMO_ENTRY, defaultDemoFolder } from './demo.js';
import { detectProject } from './detect/index.js';
import { TrustedFolders } from './trusted-folders.js';
import { hasProfile, maskDefinition, profileNames, resolveForApp, toEffective, type Resolved } from './effective.js';
import { EventHub } from './event-hub.js';
import { buildNewApp } from './new-app.js';
import { listFolder } from './fs-list.js';
import { lockHome, type HomeLock } from './home-lock.js';
import { runLaunch } from './launch.js';
import { defaultGantryHome } from './paths.js';
import { Launches } from './launches.js';
import { checkPort, runningClaim } from './port-guard.js';
import { mergePrometheus } from './prometheus-merge.js';
import { saveDefinitionToProject } from './pyproject.js';
import type { Site, SiteRouter } from './router.js';
import { applySaved } from './settings-apply.js';
import { SiteTable, type RouterPorts } from './site-table.js';
import { loadOrCreateToken } from './token.js';

export type { RuntimeFactory } from './app-start.js';

export interface HostOptions {
  /** Config folder; default GANTRY_HOME or the platform's config folder. */
  readonly home?: string;
  /** Makes one app's runtime; default createAppRuntime from runtime/app-runtime.js. */
  readonly createRuntime?: RuntimeFactory;
  /** The demo app's folder; null: no demo. Default: the repo's app/examples/hello. */
  readonly demoFolder?: string | null;
  readonly logCapacities?: LogCapacities;
  /** Bound on stopping every app at close (ms). */
  readonly stopTimeoutMs?: number;
  /** Launch health-check bound (ms). */
  readonly healthTimeoutMs?: number;
  /** Passed to createAppRuntime when no createRuntime is given (e.g. the packaged app's worker script). */
  readonly runtimeOptions?: AppRuntimeOptions;
  /** Names this Host in its config folder's lock, for the message a second start prints (default "Gantry"). */
  readonly lockOwner?: string;
  /** The router for NAME.localhost (router.ts); absent: no router. Ports 0 pick free ones. */
  readonly router?: RouterPorts;
}

export class Host {
  readonly hub = new EventHub();
  private readonly noticeRing = new Ring<Notice>({ capacity: 100 });
  private readonly slots = new Map<string, AppSlot>();
  private readonly launches = new Launches();
  private readonly siteTable = new SiteTable(() => this.slots.values());
  private demoOffered = false;
  private closed = false;
  private definitionsQueue: Promise<unknown> = Promise.resolve();
  private readonly trusted: TrustedFolders;

  private constructor(
    readonly home: string,
    readonly token: string,
    private readonly store: ConfigStore,
    private readonly options: HostOptions,
    private readonly lock: HomeLock,
  ) {
    const demo = options.demoFolder === undefined ? defaultDemoFolder() : options.demoFolder;
    this.trusted = new TrustedFolders(home, demo ? [demo] : []);
  }

  static async create(options: HostOptions = {}): Promise<Host> {
    const home = options.home ?? defaultGantryHome();
    // Before anything is read: two Hosts on one folder would overwrite each other's saves.
    const lock = await lockHome(home, options.lockOwner ?? 'Gantry');
    let host: Host;
    let loaded: LoadResult;
    try {
      const store = new ConfigStore(home);
      loaded = await store.load();
      const token = await loadOrCreateToken(home);
      host = new Host(home, token, store, options, lock);
    } catch (e) {
      await lock.release();
      throw e;
    }
    host.demoOffered = loaded.doc.demoOffered;
    for (const def of loaded.doc.apps) host.slots.set(def.id, new AppSlot(def, host.hub, options.logCapacities));
    for (const n of loaded.notices) host.notice(n);
    if (options.router) await host.siteTable.startRouter(home, options.router, (n) => host.notice(n));
    if (loaded.fresh && !host.demoOffered) {
      const folder = options.demoFolder === undefined ? defaultDemoFolder() : options.demoFolder;
      if (folder)
        await host.addDemo(folder).catch((e: unknown) =>
          host.notice({
            code: 'GANTRY_ERR_INVALID_CONFIG',
            message: `the demo app could not be added: ${(e as Error).message}`,
            time: Date.now(),
          }),
        );
    }
    return host;
  }

  /** The named-site router, when it runs (HostOptions.router). */
  get router(): SiteRouter | null {
    return this.siteTable.router;
  }

  /** Every app's local site names, and its runtime while it runs (router.ts). */
  sites(): readonly Site[] {
    return this.siteTable.sites();
  }

  /** The latest notices, oldest first. */
  get notices(): readonly Notice[] {
    return this.noticeRing.toArray();
  }

  notice(n: Notice): void {
    this.noticeRing.push(n);
    this.hub.publish('notice', null, n);
  }

  // ---- definitions -------------------------------------------------------------------------------------------

  private definitionsSerial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.definitionsQueue.then(fn, fn);
    this.definitionsQueue = run.catch(() => undefined);
    return run;
  }

  private slot(id: string): AppSlot {
    const s = this.slots.get(id);
    if (!s) throw new GantryError('GANTRY_ERR_APP_UNKNOWN', `no app with id ${id}`, { field: 'id', reason: 'unknown app' });
    return s;
  }

  private definitions(): AppDefinition[] {
    return [...this.slots.values()].map((s) => s.def);
  }

  private async persist(): Promise<void> {
    this.siteTable.invalidate();
    await this.store.save({ schemaVersion: 1, demoOffered: this.demoOffered, apps: this.definitions() });
    this.hub.publish('apps-changed', null, { appIds: [...this.slots.keys()] });
  }

  private summary(slot: AppSlot): AppSummary {
    const rt = slot.runtime;
    return {
      definition: maskDefinition(slot.def),
      status: slot.statusView(),
      metrics: rt && slot.isActive() ? rt.metrics() : null,
      profiles: profileNames(slot.def),
      sites: this.siteTable.urlsOf(slot.id),
    };
  }

  listApps(): AppSummary[] {
    return [...this.slots.values()].map((s) => this.summary(s));
  }

  async getApp(id: string): Promise<AppView> {
    const slot = this.slot(id);
    return { ...this.summary(slot), effective: await this.effective(id) };
  }

  addApp(input: AddAppBody, origin: AppDefinition['origin'] = 'user'): Promise<AddAppResponse> {
    // Serialised: two adds at once must not pick the same id or port.
    return this.definitionsSerial(async () => {
      const { def, detection, notices } = await buildNewApp(input, origin, this.definitions());
      this.siteTable.checkNames(def);
      // Adding a folder as an app is trusting it: its code runs when the app starts.
      await this.trusted.trust(def.folder);
      this.slots.set(def.id, new AppSlot(def, this.hub, this.options.logCapacities));
      try {
        await this.persist();
      } catch (e) {
        this.slots.delete(def.id);
        throw e;
      }
      return { app: await this.getApp(def.id), detection, notices };
    });
  }

  /** Adds the bundled demo app (again, if it was removed). */
  async addDemo(folder = this.options.demoFolder ?? defaultDemoFolder()): Promise<AddAppResponse> {
    if (!folder)
      throw new GantryError('GANTRY_ERR_INVALID_CONFIG', 'the demo app is not installed', { field: 'folder', reason: 'missing' });
    this.demoOffered = true;
    const id = uniqueId(DEMO_APP_ID, new Set(this.slots.keys()));
    const body = { folder, id, name: DEMO_APP_NAME, settings: { app: DEMO_ENTRY }, importPyproject: false, detect: false };
    // https://demo.localhost is the demo's short name, unless another app already has it.
    return this.addApp({ ...body, settings: { ...body.settings, siteAliases: ['demo'] } }, 'demo').catch((e: unknown) => {
      if (isGantryError(e, 'GANTRY_ERR_SITE_NAME')) return this.addApp(body, 'demo');
      throw e;
    });
  }

  updateApp(id: string, input: UpdateAppBody): Promise<UpdateAppResponse> {
    return this.definitionsSerial(async () => {
      const parsed = updateAppBodySchema.safeParse(input);
      if (!parsed.success) throw invalid(parsed.error);
      const slot = this.slot(id);
      if (parsed.data.folder !== undefined && !(await isFolder(parsed.data.folder))) {
        throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `folder: ${parsed.data.folder} is not a folder`, {
          field: 'folder',
          reason: 'not a folder',
        });
      }
      const name = parsed.data.name;
      if (name !== undefined && this.definitions().some((d) => d.id !== id && d.name.toLowerCase() === name.toLowerCase())) {
        throw new GantryError('GANTRY_ERR_APP_EXISTS', `an app named "${name}" exists`, { field: 'name', reason: 'taken' });
      }
      const next = validateDefinition(applyUpdate(slot.def, parsed.data));
      checkPortClaims(next, this.definitions());
      this.siteTable.checkNames(next);
      const prev = slot.def;
      const runningProfile = slot.runtime && slot.isActive() ? slot.profile : null;
      const before = runningProfile ? await this.resolve(prev, runningProfile).catch(() => null) : null;
      slot.def = next;
      try {
        await this.persist();
      } catch (e) {
        slot.def = prev; // the last good definition stays in effect
        throw e;
      }
      const applied =
        runningProfile && before
          ? await slot.serial(async () =>
              applySaved(slot, runningProfile, before.settings, (await this.resolve(slot.def, runningProfile)).settings),
            )
          : null;
      return { ...(await this.getApp(id)), applied };
    });
  }

  async removeApp(id: string): Promise<void> {
    const slot = this.slot(id);
    await slot.serial(async () => {
      if (slot.runtime && slot.isActive()) await this.boundedStop(slot.runtime, this.options.stopTimeoutMs ?? 30_000);
      slot.detach();
    });
    await this.definitionsSerial(async () => {
      if (this.slots.get(id) !== slot) return; // removed meanwhile
      this.slots.delete(id);
      try {
        await this.persist();
      } catch (e) {
        this.slots.set(id, slot); // not saved: keep it, as the file still has it
        throw e;
      }
    });
  }

  /** `unsaved`: a profile that does not exist yet resolves as an empty one — what it would inherit. */
  async effective(id: string, profile?: string, unsaved = false): Promise<EffectiveSettings> {
    const slot = this.slot(id);
    const p = unsaved && profile ? profile : this.profileOf(slot, profile);
    return toEffective(id, p, await this.resolve(slot.def, p));
  }

  /** Renders a profile as deployment files (export/), with the worker memory measured while it ran; optionally writes them to deploy/TARGET/. */
  async exportApp(id: string, body: ExportBody): Promise<ExportResult> {
    const slot = this.slot(id);
    const p = this.profileOf(slot, body.profile ?? DEFAULT_EXPORT_PROFILE);
    const rss = this.workers(id).reduce<number | null>(
      (m, w) => (w.rssBytes !== null && (m === null || w.rssBytes > m) ? w.rssBytes : m),
      null,
    );
    const input = await buildExportInput(slot.def, p, await this.resolve(slot.def, p), rss);
    const result = exportApp(body.target, input, {
      ...body.options,
      server: body.server ?? 'gantry',
      includeSecrets: body.includeSecrets ?? false,
    });
    return body.write ? writeExport(deployFolder(slot.def.folder, body.target), result) : result;
  }

  saveToProject(id: string, includeProfiles = true): Promise<SaveToProjectResult> {
    return saveDefinitionToProject(this.slot(id).def, includeProfiles);
  }

  private profileOf(slot: AppSlot, profile?: string): string {
    const p = profile ?? slot.def.activeProfile;
    if (!hasProfile(slot.def, p))
      throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `profile: no profile named ${p}`, {
        field: 'profile',
        reason: `no profile named ${p}`,
      });
    return p;
  }

  private resolve(def: AppDefinition, profile: string): Promise<Resolved> {
    return resolveForApp(def, profile);
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------------

  start(id: string, profile?: string): Promise<AppStatusView> {
    const slot = this.slot(id);
    const p = this.profileOf(slot, profile);
    return slot.serial(async () => {
      if (slot.isActive()) {
        if (slot.profile === p) return slot.statusView();
        throw new GantryError('GANTRY_ERR_APP_STATE', `${id} is running with profile ${slot.profile}; restart it to switch to ${p}`, {
          state: slot.runtime?.status().state,
          profile: slot.profile,
        });
      }
      const { settings } = await this.resolve(slot.def, p);
      await this.startWith(slot, p, settings);
      return slot.statusView();
    });
  }

  /** Starts the app's runtime with these settings (caller holds the app's serial lock). */
  private async startWith(slot: AppSlot, profile: string, settings: AppSettings): Promise<void> {
    if (this.closed) throw new GantryError('GANTRY_ERR_APP_STATE', 'the host is closing');
    await startSlot(slot, profile, settings, {
      slots: this.slots.values(),
      definitions: this.definitions(),
      createRuntime: this.options.createRuntime ?? ((s: AppSettings) => createAppRuntime(s, this.options.runtimeOptions)),
      notice: (n) => this.notice(n),
      attached: () => this.siteTable.invalidate(),
    });
  }

  stop(id: string, graceful = true): Promise<AppStatusView> {
    const slot = this.slot(id);
    // A start (or a restart's start) still waiting for its workers to import the app is cut short, not waited
    // for: an import that hangs would hold the stop for the whole boot timeout. Nothing was served yet.
    const rt = slot.runtime;
    if (rt && rt.status().state === 'starting') {
      slot.stopRequested = true;
      void rt.stop({ graceful: false }).catch(() => undefined);
    }
    return slot.serial(async () => {
      await this.stopIn(slot, graceful);
      return slot.statusView();
    });
  }

  /** Stops the app's runtime (caller holds the app's serial lock). */
  private async stopIn(slot: AppSlot, graceful: boolean): Promise<void> {
    if (slot.runtime && slot.isActive()) await slot.runtime.stop({ graceful });
    slot.stopRequested = false;
    slot.lastError = null;
    slot.publishStatus();
  }

  /**
   * Stop then start, as one operation on the app: a stop sent meanwhile comes after the start (and so has the
   * last word), never between the two, where the restart's start would undo it.
   */
  restart(id: string, profile?: string): Promise<AppStatusView> {
    const slot = this.slot(id);
    const p = this.profileOf(slot, profile ?? slot.profile ?? undefined);
    return slot.serial(async () => {
      await this.stopIn(slot, true);
      const { settings } = await this.resolve(slot.def, p);
      await this.startWith(slot, p, settings);
      return slot.statusView();
    });
  }

  /**
   * Zero-downtime reload into the app's current definition (so edited settings take effect). A worker count
   * scaled live is kept, unless the saved count changed since (then the saved one is what the user asked for last).
   */
  reload(id: string, mode?: ReloadMode): Promise<AppStatusView> {
    const slot = this.slot(id);
    return slot.serial(async () => {
      const rt = this.activeRuntime(slot);
      let { settings } = await this.resolve(slot.def, slot.profile ?? slot.def.activeProfile);
      const scaled = slot.scaled;
      if (scaled && scaled.saved === settings.workers) settings = { ...settings, workers: scaled.workers };
      else slot.scaled = null;
      await rt.reload({ ...(mode ? { mode } : {}), settings });
      slot.publishStatus();
      return slot.statusView();
    });
  }

  /** Live scaling: the running count only. The saved setting stays; a reload keeps the new count, a restart does not. */
  scale(id: string, workers: number): Promise<AppStatusView> {
    const slot = this.slot(id);
    return slot.serial(async () => {
      const rt = this.activeRuntime(slot);
      const saved = (await this.resolve(slot.def, slot.profile ?? slot.def.activeProfile)).settings.workers;
      await rt.scale(workers);
      slot.scaled = workers === saved ? null : { workers, saved };
      slot.publishStatus();
      return slot.statusView();
    });
  }

  async restartWorker(id: string, workerId: number): Promise<void> {
    const rt = this.activeRuntime(this.slot(id));
    if (!rt.workers().some((w) => w.id === workerId))
      throw new GantryError('GANTRY_ERR_APP_STATE', `no worker ${workerId}`, { field: 'workerId', reason: 'unknown worker' });
    await rt.restartWorker(workerId);
  }

  private activeRuntime(slot: AppSlot): AppRuntime {
    if (!slot.runtime || !slot.isActive())
      throw new GantryError('GANTRY_ERR_APP_STATE', `${slot.id} is not running`, { state: slot.statusView().state });
    return slot.runtime;
  }

  /** Preflight, start and health-check; resolves with the result (wait) or at once with the launch id. */
  async launch(id: string, profile = 'staging', wait = true): Promise<LaunchResult> {
    const slot = this.slot(id);
    const p = this.profileOf(slot, profile);
    return this.launches.begin(id, p, wait, (launchId, record) =>
      slot.serial(() =>
        runLaunch(
          {
            launchId,
            appId: id,
            profile: p,
            stagingDir: path.join(this.home, 'staging', id, 'static'),
            healthTimeoutMs: this.options.healthTimeoutMs,
            resolve: async () => (await this.resolve(slot.def, p)).settings,
            ownPorts: () => new Set(slot.runtime && slot.isActive() ? tcpPorts(slot.runtime.status().settings) : []),
            runningClaim: (port) => runningClaim(this.slots.values(), port, id),
            start: async (settings) => {
              if (slot.runtime && slot.isActive()) await slot.runtime.stop({ graceful: true });
              await this.startWith(slot, p, settings);
            },
            status: () => slot.runtime?.status() ?? null,
            workers: () => slot.runtime?.workers() ?? [],
            emit: (progress) => this.hub.publish('launch', id, progress),
          },
          record,
        ),
      ),
    );
  }

  getLaunch(launchId: string): LaunchResult {
    return this.launches.get(launchId);
  }

  // ---- observation ---------------------------------------------------------------------------------------------

  status(id: string): AppStatusView {
    return this.slot(id).statusView();
  }

  workers(id: string): readonly WorkerSnapshot[] {
    return this.slot(id).runtime?.workers() ?? [];
  }

  metrics(id: string, history = false): MetricsView {
    return this.slot(id).metricsView(history);
  }

  access(id: string, query: AccessQuery = {}): Page<AccessRecord> {
    return this.slot(id).accessPage(query);
  }

  output(id: string, query: OutputQuery = {}): OutputPage {
    return this.slot(id).outputPage(query);
  }

  events(id: string, query: { before?: number; after?: number; limit?: number } = {}): Page<EventRecord> {
    return this.slot(id).eventsPage(query);
  }

  routes(id: string): RoutesView {
    return this.slot(id).routes();
  }

  request(id: string, requestId: string): RequestDetail {
    return this.slot(id).requestDetail(requestId);
  }

  /** Detection for the Add screen: runs nothing from a folder the user has not trusted (`trust` trusts it now). */
  async detect(folder: string, verify = true, opts: { trust?: boolean; python?: string } = {}): Promise<DetectionResult> {
    if (opts.trust) await this.trusted.trust(folder);
    return detectProject(folder, {
      verify,
      trusted: await this.trusted.isTrusted(folder),
      ...(opts.python ? { python: opts.python } : {}),
    });
  }

  checkPort(bindText: string, appId?: string): Promise<PortCheckResult> {
    return checkPort(this.slots, this.definitions(), bindText, appId);
  }

  listFolder(p?: string): Promise<FsListing> {
    return listFolder(p);
  }

  prometheus(): string {
    const texts = [...this.slots.values()].filter((s) => s.runtime && s.isActive()).map((s) => s.runtime!.prometheus());
    const running = texts.length;
    texts.unshift(
      `# HELP gantry_host_apps Apps known to the host.\n# TYPE gantry_host_apps gauge\ngantry_host_apps ${this.slots.size}\n# HELP gantry_host_apps_running Apps running now.\n# TYPE gantry_host_apps_running gauge\ngantry_host_apps_running ${running}\n`,
    );
    return mergePrometheus(texts);
  }

  /** Stops every running app now, without waiting for in-flight requests (the desktop's last resort on quit). */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.slots.values()].map((s) =>
        s.runtime && s.isActive() ? s.runtime.stop({ graceful: false }).catch(() => undefined) : undefined,
      ),
    );
  }

  /** Stops every app (bounded) and stops sampling. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.siteTable.close();
    const bound = this.options.stopTimeoutMs ?? 30_000;
    await Promise.all(
      [...this.slots.values()].map(async (s) => {
        if (s.runtime && s.isActive()) await this.boundedStop(s.runtime, bound).catch(() => undefined);
        s.detach();
      }),
    );
    await this.lock.release();
  }

  private async boundedStop(rt: AppRuntime, ms: number): Promise<void> {
    if ((await within(rt.stop({ graceful: true }), ms)) === TIMED_OUT) await rt.stop({ graceful: false });
  }
}

export function createHost(options: HostOptions = {}): Promise<Host> {
  return Host.create(options);
}
