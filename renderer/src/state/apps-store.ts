// Everything the overview shows about every app, kept live: the list (reloaded when the server says it
// changed), status and metrics patched from the event stream, a short rate history for sparklines,
// and the progress of staging launches.
import type { ApiClient } from '../../../server-core/src/control/client';
import type { AppStatusView, AppSummary, LaunchProgress, LaunchResult, MetricsSnapshot, SseEnvelope } from '../api/contract';
import type { StreamState } from '../api/event-stream';
import { ExternalStore } from './external-store';

/** Samples kept for each app's sparkline (metrics arrive about once a second). */
const SPARK_POINTS = 60;

/**
 * A launch as the overview holds it: the contract's LaunchResult, except that the id is unknown (null) until the
 * server answers, the app is the record's key, and the error is the text shown.
 */
export type LaunchView = Omit<LaunchResult, 'launchId' | 'appId' | 'error'> & {
  readonly launchId: string | null;
  readonly error: string | null;
};

export interface AppsState {
  readonly loaded: boolean;
  readonly error: string | null;
  readonly apps: readonly AppSummary[];
  /** The last SPARK_POINTS metrics samples per app, oldest first (sparklines, recent error rate). */
  readonly history: Readonly<Record<string, readonly MetricsSnapshot[]>>;
  readonly launches: Readonly<Record<string, LaunchView>>;
  readonly stream: StreamState;
}

const INITIAL: AppsState = { loaded: false, error: null, apps: [], history: {}, launches: {}, stream: 'connecting' };

export class AppsStore extends ExternalStore<AppsState> {
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly client: ApiClient) {
    super(INITIAL);
  }

  async refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        const { apps } = await this.client.call('listApps');
        const history = { ...this.state.history };
        const seed: string[] = [];
        for (const a of apps) {
          if (!a.metrics || history[a.definition.id]) continue;
          history[a.definition.id] = [a.metrics];
          seed.push(a.definition.id);
        }
        this.set({ ...this.state, loaded: true, error: null, apps, history });
        // A fresh window should not start with an empty sparkline: fill it from the server's per-second history.
        for (const id of seed) void this.seedHistory(id);
      } catch (e) {
        this.set({ ...this.state, loaded: true, error: e instanceof Error ? e.message : String(e) });
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async seedHistory(appId: string): Promise<void> {
    try {
      const view = await this.client.call('metrics', { params: { id: appId }, query: { history: '1' } });
      const live = this.state.history[appId] ?? [];
      const lastSeeded = view.history.at(-1)?.time ?? 0;
      const merged = [...view.history, ...live.filter((m) => m.time > lastSeeded)].slice(-SPARK_POINTS);
      if (merged.length > live.length) this.set({ ...this.state, history: { ...this.state.history, [appId]: merged } });
    } catch {
      // The sparkline simply starts from now.
    }
  }

  /** Coalesces bursts of "apps changed" into one reload. */
  scheduleRefresh(delayMs = 150): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
  }

  setStream(stream: StreamState): void {
    if (stream === this.state.stream) return;
    this.set({ ...this.state, stream });
    // Coming back after a gap: what we hold may be stale.
    if (stream === 'open' && this.state.loaded) this.scheduleRefresh(0);
  }

  /** Applies one live event (status, metrics, apps-changed, launch). Others are ignored here. */
  apply(env: SseEnvelope): void {
    switch (env.type) {
      case 'status':
        this.patchStatus(env.data);
        break;
      case 'metrics':
        if (env.appId) this.patchMetrics(env.appId, env.data);
        break;
      case 'apps-changed':
        this.scheduleRefresh();
        break;
      case 'launch':
        this.applyLaunchProgress(env.data);
        break;
      default:
        break;
    }
  }

  patchStatus(status: AppStatusView): void {
    const i = this.state.apps.findIndex((a) => a.definition.id === status.appId);
    if (i === -1) return this.scheduleRefresh();
    const apps = this.state.apps.slice();
    apps[i] = { ...apps[i]!, status };
    // "Staging is up at …" stops being true when the app stops: drop a finished, successful launch then.
    const launch = this.state.launches[status.appId];
    if (launch?.state === 'ok' && (status.state === 'stopped' || status.state === 'failed')) {
      const launches = { ...this.state.launches };
      delete launches[status.appId];
      this.set({ ...this.state, apps, launches });
      return;
    }
    this.set({ ...this.state, apps });
  }

  patchMetrics(appId: string, metrics: MetricsSnapshot): void {
    const i = this.state.apps.findIndex((a) => a.definition.id === appId);
    if (i === -1) return;
    const apps = this.state.apps.slice();
    apps[i] = { ...apps[i]!, metrics };
    const prev = this.state.history[appId] ?? [];
    const series = prev.length >= SPARK_POINTS ? prev.slice(prev.length - SPARK_POINTS + 1) : prev.slice();
    series.push(metrics);
    this.set({ ...this.state, apps, history: { ...this.state.history, [appId]: series } });
  }

  /** A launch was requested: show it at once, before the first progress event. */
  beginLaunch(appId: string, profile: string): void {
    this.setLaunch(appId, { launchId: null, profile, state: 'running', steps: [], url: null, failedStep: null, error: null });
  }

  /** The POST answered: with wait:false it carries the id (and any steps already run); with wait:true the end. */
  applyLaunchResult(result: LaunchResult): void {
    const cur = this.state.launches[result.appId];
    // Progress events may be ahead of this answer while it runs; once it has ended, the answer is the truth.
    const ended = result.state !== 'running';
    const steps = !ended && cur && cur.steps.length > result.steps.length ? cur.steps : result.steps;
    const state = cur && cur.state !== 'running' && !ended ? cur.state : result.state;
    this.setLaunch(result.appId, {
      launchId: result.launchId,
      profile: result.profile,
      state,
      steps,
      url: result.url ?? cur?.url ?? null,
      failedStep: result.failedStep ?? cur?.failedStep ?? null,
      error: result.error?.message ?? cur?.error ?? null,
    });
  }

  failLaunch(appId: string, message: string): void {
    const cur = this.state.launches[appId];
    this.setLaunch(appId, {
      launchId: cur?.launchId ?? null,
      profile: cur?.profile ?? 'staging',
      steps: cur?.steps ?? [],
      url: null,
      failedStep: cur?.failedStep ?? null,
      state: 'failed',
      error: message,
    });
  }

  dismissLaunch(appId: string): void {
    const launches = { ...this.state.launches };
    delete launches[appId];
    this.set({ ...this.state, launches });
  }

  applyLaunchProgress(p: LaunchProgress): void {
    const cur = this.state.launches[p.appId];
    // A progress event of an older launch of this app is stale.
    if (cur?.launchId && cur.launchId !== p.launchId) return;
    const base: LaunchView = cur ?? {
      launchId: p.launchId,
      profile: p.profile,
      state: 'running',
      steps: [],
      url: null,
      failedStep: null,
      error: null,
    };
    if (p.kind === 'done') {
      const failed = p.status === 'failed';
      const failedStep = failed ? (base.steps.find((s) => s.status === 'failed')?.step ?? null) : null;
      this.setLaunch(p.appId, {
        ...base,
        launchId: p.launchId,
        state: failed ? 'failed' : 'ok',
        url: p.url ?? base.url,
        failedStep,
        error: failed ? p.output || base.error : null,
      });
      return;
    }
    if (!p.step) return;
    // A step's "running" and its outcome are two events for one row: they share `index` (the step's position,
    // as in LaunchResult.steps); the name is the key here, so a launch joined midway lines up the same.
    const steps = base.steps.slice();
    const at = steps.findIndex((s) => s.step === p.step);
    const prev = at === -1 ? undefined : steps[at];
    const status =
      p.status === 'failed' || p.status === 'ok' || p.status === 'warning' || p.status === 'running' || p.status === 'skipped'
        ? p.status
        : 'running';
    const row = {
      step: p.step,
      status,
      output: p.output || prev?.output || '',
      startedAt: prev?.startedAt ?? Date.now(),
      endedAt: status === 'running' ? null : Date.now(),
    };
    if (at === -1) steps.push(row);
    else steps[at] = row;
    this.setLaunch(p.appId, { ...base, launchId: p.launchId, steps });
  }

  private setLaunch(appId: string, view: LaunchView): void {
    this.set({ ...this.state, launches: { ...this.state.launches, [appId]: view } });
  }
}

/** Responses and 5xx among them during the samples held (null: no samples). */
export function recentCounts(samples: readonly MetricsSnapshot[]): { total: number; errors: number } | null {
  if (samples.length === 0) return null;
  const last = samples[samples.length - 1]!;
  const first = samples.length > 1 ? samples[0]! : null;
  const total = (m: MetricsSnapshot) =>
    m.statusClasses['1xx'] + m.statusClasses['2xx'] + m.statusClasses['3xx'] + m.statusClasses['4xx'] + m.statusClasses['5xx'];
  // Counters restart with the app: if they went down, count from zero.
  const base = first && total(first) <= total(last) ? first : null;
  return { total: total(last) - (base ? total(base) : 0), errors: last.statusClasses['5xx'] - (base ? base.statusClasses['5xx'] : 0) };
}

/** Share of 5xx responses among the requests answered during the samples held (null: no requests). */
export function recentErrorRate(samples: readonly MetricsSnapshot[]): number | null {
  const c = recentCounts(samples);
  return c && c.total > 0 ? c.errors / c.total : null;
}
