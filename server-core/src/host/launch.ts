// One-click launch of a profile (staging by default): preflight steps, start, health check, URL.
// Each step is reported as it runs; the first failed step ends the launch with its output.
import path from 'node:path';
import { parseBind, type AppSettings } from '../config/settings.js';
import {
  describePortHolder,
  type ErrorBody,
  type LaunchProgress,
  type LaunchResult,
  type LaunchStep,
  type LaunchStepName,
  type PortHolder,
} from '../control/contract.js';
import { GantryError, isGantryError, serializeError } from '../errors.js';
import type { AppStatus, WorkerSnapshot } from '../runtime/types.js';
import { verifyImport, run } from './detect/verify.js';
import { findPortHolder, nextFreePort, probeBind } from './ports.js';
import { httpProbe, loopbackFor } from './port-probe.js';
import { existsSync } from 'node:fs';
import { judgeDjango, probeDjango, type DjangoFacts } from './django-promises.js';

export interface LaunchContext {
  readonly launchId: string;
  readonly appId: string;
  readonly profile: string;
  /** Where collectstatic writes for this launch. */
  readonly stagingDir: string;
  /** Effective settings of the profile, secrets unmasked. */
  resolve(): Promise<AppSettings>;
  /** Ports the app's own runtime holds now (freed by the start step). */
  ownPorts(): ReadonlySet<number>;
  /** Another app that is running on the port, if any. */
  runningClaim(port: number): string | null;
  /** Stops the app if it runs, then starts it with these settings. */
  start(settings: AppSettings): Promise<void>;
  status(): AppStatus | null;
  workers(): readonly WorkerSnapshot[];
  emit(progress: LaunchProgress): void;
  readonly healthTimeoutMs?: number;
  readonly stepTimeoutMs?: number;
}

// 'warning': the step passed, but said something the user must read (shown, never hidden behind a ✓).
type StepOutcome = { status: 'ok' | 'warning' | 'failed' | 'skipped'; output: string; error?: ErrorBody };

export async function runLaunch(ctx: LaunchContext, onUpdate: (r: LaunchResult) => void): Promise<LaunchResult> {
  const steps: LaunchStep[] = [];
  const result = (state: LaunchResult['state'], extra: Partial<LaunchResult> = {}): LaunchResult => ({
    launchId: ctx.launchId,
    appId: ctx.appId,
    profile: ctx.profile,
    state,
    steps: steps.slice(),
    url: null,
    failedStep: null,
    error: null,
    ...extra,
  });
  const progress = (p: Omit<LaunchProgress, 'launchId' | 'appId' | 'profile'>): void =>
    ctx.emit({ launchId: ctx.launchId, appId: ctx.appId, profile: ctx.profile, ...p });

  const step = async (name: LaunchStepName, fn: () => Promise<StepOutcome>): Promise<StepOutcome> => {
    const startedAt = Date.now();
    const i = steps.push({ step: name, status: 'running', output: '', startedAt, endedAt: null }) - 1;
    // index: the step's position in `steps` (its "running" and its outcome share it), as the contract says.
    progress({ index: i, kind: 'step', step: name, status: 'running', output: '', url: null });
    onUpdate(result('running'));
    let out: StepOutcome;
    try {
      out = await fn();
    } catch (e) {
      out = { status: 'failed', output: describe(e), error: serializeError(e) };
    }
    steps[i] = { step: name, status: out.status, output: out.output, startedAt, endedAt: Date.now() };
    progress({ index: i, kind: 'step', step: name, status: out.status, output: out.output, url: null });
    return out;
  };
  const fail = (name: LaunchStepName, out: StepOutcome): LaunchResult => {
    const error = out.error ?? {
      code: 'GANTRY_ERR_PREFLIGHT' as const,
      message: `launch step "${name}" failed`,
      details: { step: name, output: out.output },
    };
    progress({ index: steps.length, kind: 'done', step: name, status: 'failed', output: out.output, url: null });
    return result('failed', { failedStep: name, error });
  };

  let settings: AppSettings;
  try {
    settings = await ctx.resolve();
  } catch (e) {
    return fail('interpreter', { status: 'failed', output: describe(e), error: serializeError(e) });
  }
  const python = settings.python || 'python3';
  const folder = path.resolve(settings.chdir);
  const env = { ...process.env, ...settings.env, PYTHONDONTWRITEBYTECODE: '1' } as NodeJS.ProcessEnv;
  if (settings.pythonpath.length > 0)
    env.PYTHONPATH = [...settings.pythonpath.map((p) => path.resolve(folder, p)), env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const stepTimeout = ctx.stepTimeoutMs ?? 120_000;

  let out = await step('interpreter', async () => {
    const r = await run(python, ['-c', 'import sys; print(sys.executable); print(sys.version)'], { cwd: folder, env, timeoutMs: 20_000 });
    const text = (r.stdout + r.stderr).trim() || r.error || '';
    if (r.code === 0) return { status: 'ok', output: text };
    return {
      status: 'failed',
      output: r.error ?? text,
      error: {
        code: 'GANTRY_ERR_PYTHON_NOT_FOUND',
        message: `${python} does not run`,
        details: { field: 'python', reason: r.error ?? text },
      },
    };
  });
  if (out.status === 'failed') return fail('interpreter', out);

  out = await step('import', async () => {
    const v = await verifyImport(python, folder, settings.app, env as Record<string, string>, 60_000);
    if (v.ok) return { status: 'ok', output: `${settings.app} imported in ${v.durationMs} ms` };
    return {
      status: 'failed',
      output: v.error ?? '',
      error: { code: 'GANTRY_ERR_APP_IMPORT', message: `importing ${settings.app} failed`, details: { output: v.error ?? '' } },
    };
  });
  if (out.status === 'failed') return fail('import', out);

  out = await step('ports', async () => {
    const lines: string[] = [];
    const own = ctx.ownPorts();
    for (const b of settings.bind) {
      const bind = parseBind(b);
      if (!bind || bind.kind !== 'tcp') {
        lines.push(`${b}: not a TCP port, nothing to check`);
        continue;
      }
      if (own.has(bind.port)) {
        lines.push(`${b}: held by this app's running instance; it will be replaced`);
        continue;
      }
      const claim = ctx.runningClaim(bind.port);
      const probe = claim ? null : await probeBind(bind.host, bind.port);
      if (claim || (probe && !probe.free)) {
        const holder: PortHolder | null = claim ? null : await findPortHolder(bind.port);
        const suggestion = await nextFreePort(bind.host, bind.port);
        const who = claim
          ? `app ${claim}`
          : (describePortHolder(holder) ??
            (probe && !probe.free && probe.code !== 'EADDRINUSE' ? probe.message : 'another process (the OS did not say which)'));
        lines.push(`${b}: in use by ${who}${suggestion ? `; port ${suggestion} is free` : ''}`);
        return {
          status: 'failed',
          output: lines.join('\n'),
          error: {
            code: 'GANTRY_ERR_PORT_IN_USE',
            message: `${b} is in use`,
            details: { field: 'bind', reason: `in use by ${who}`, bind: b, holder, claimedBy: claim, suggestion },
          },
        };
      }
      lines.push(`${b}: free`);
    }
    return { status: 'ok', output: lines.join('\n') };
  });
  if (out.status === 'failed') return fail('ports', out);

  const managePy = path.join(folder, 'manage.py');
  const isDjango = existsSync(managePy);
  out = await step('django-check', async () => {
    if (!isDjango) return { status: 'skipped', output: 'Not a Django project (no manage.py in the folder): nothing to check.' };
    const r = await run(python, [managePy, 'check', '--deploy'], { cwd: folder, env, timeoutMs: stepTimeout });
    const text = (r.stdout + r.stderr).trim();
    if (r.code !== 0) return { status: 'failed', output: text || r.error || `exited with ${r.code}` };
    // Exit 0 with "WARNINGS:" is Django saying the deployment is unsafe: passed, with warnings shown.
    return { status: /^WARNINGS:|identified some issues/m.test(text) ? 'warning' : 'ok', output: text };
  });
  if (out.status === 'failed') return fail('django-check', out);

  let facts: DjangoFacts | null = null;
  out = await step('django-settings', async () => {
    if (!isDjango) return { status: 'skipped', output: 'Not a Django project (no manage.py in the folder): nothing to check.' };
    const probe = await probeDjango(python, folder, env, hostsOf(settings), stepTimeout);
    if (!probe.ok) return { status: 'failed', output: `Loading the Django settings failed:\n${probe.output}` };
    facts = probe.facts;
    const findings = judgeDjango(probe.facts, env, ctx.profile);
    const mark = { ok: '✓', warning: '⚠', failed: '✕' } as const;
    const output = findings.map((f) => `${mark[f.severity]} ${f.text}`).join('\n');
    if (findings.some((f) => f.severity === 'failed'))
      return {
        status: 'failed',
        output,
        error: {
          code: 'GANTRY_ERR_PREFLIGHT',
          message: findings.find((f) => f.severity === 'failed')!.text,
          details: { step: 'django-settings', output },
        },
      };
    return { status: findings.some((f) => f.severity === 'warning') ? 'warning' : 'ok', output };
  });
  if (out.status === 'failed') return fail('django-settings', out);

  let startSettings = settings;
  out = await step('collectstatic', async () => {
    if (!isDjango) return { status: 'skipped', output: 'Not a Django project (no manage.py in the folder): no static files to collect.' };
    const f = facts as DjangoFacts | null;
    if (f && !f.staticfiles)
      return { status: 'skipped', output: 'django.contrib.staticfiles is not in INSTALLED_APPS: Django has no static files to collect.' };
    if (f && !f.staticUrl) return { status: 'skipped', output: 'STATIC_URL is not set: Django has no URL to serve static files from.' };
    // STATIC_ROOT is pointed at the launch's staging folder, so the project's own tree is not written to.
    const script = [
      'import sys, django',
      'from django.conf import settings',
      'django.setup()',
      'settings.STATIC_ROOT = sys.argv[1]',
      'from django.core.management import call_command',
      "call_command('collectstatic', interactive=False, verbosity=1)",
      "print('GANTRY-STATIC-URL ' + str(settings.STATIC_URL))",
    ].join('\n');
    const r = await run(python, ['-c', script, ctx.stagingDir], {
      cwd: folder,
      env: { ...env, PYTHONPATH: [folder, env.PYTHONPATH].filter(Boolean).join(path.delimiter) },
      timeoutMs: stepTimeout,
    });
    const text = (r.stdout + r.stderr).replace(/^GANTRY-STATIC-URL .*$/m, '').trim();
    if (r.code !== 0) return { status: 'failed', output: text || r.error || `exited with ${r.code}` };
    const url = /GANTRY-STATIC-URL (\S+)/.exec(r.stdout)?.[1] ?? '/static/';
    if (/^https?:\/\//.test(url))
      return { status: 'ok', output: `${text}\nSTATIC_URL is ${url}, another server: Gantry does not serve it.`.trim() };
    const prefix = '/' + url.replace(/^\/+|\/+$/g, '');
    const staticMap = Object.fromEntries(Object.entries(settings.static).filter(([k]) => k.replace(/\/+$/, '') !== prefix));
    staticMap[prefix] = ctx.stagingDir;
    startSettings = { ...settings, static: staticMap };
    return { status: 'ok', output: `${text}\nserving ${prefix} from ${ctx.stagingDir}`.trim() };
  });
  if (out.status === 'failed') return fail('collectstatic', out);

  out = await step('start', async () => {
    await ctx.start(startSettings);
    const s = ctx.status();
    return { status: 'ok', output: `started: ${s?.urls.join(' ') ?? ''}`.trim() };
  });
  if (out.status === 'failed') return fail('start', out);

  let url: string | null = null;
  out = await step('health', async () => {
    const deadline = Date.now() + (ctx.healthTimeoutMs ?? 30_000);
    const target = healthTarget(startSettings);
    let last = 'waiting for workers';
    while (Date.now() < deadline) {
      const s = ctx.status();
      if (s?.state === 'failed' || s?.state === 'stopped')
        return {
          status: 'failed',
          output: `app ${s.state}: ${s.error?.message ?? ''}`.trim(),
          error: s.error ? { code: s.error.code, message: s.error.message, details: s.error.details } : undefined,
        };
      const ready = s?.state === 'running' && ctx.workers().some((w) => w.state === 'idle' || w.state === 'busy');
      if (ready) {
        if (!target) return { status: 'ok', output: 'workers ready (no TCP bind to probe)' };
        const answer = await httpProbe(target.host, target.port);
        if (answer.ok) {
          url = s.urls[0] ?? `http://${target.hostForUrl}:${target.port}/`;
          return { status: 'ok', output: `GET / answered ${answer.status}` };
        }
        last = answer.error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return { status: 'failed', output: `not healthy within ${ctx.healthTimeoutMs ?? 30_000} ms: ${last}` };
  });
  if (out.status === 'failed') return fail('health', out);

  progress({ index: steps.length, kind: 'done', step: null, status: 'ok', output: '', url });
  return result('ok', { url });
}

/** The host names the app is reached at (what a browser sends in Host), for Django's ALLOWED_HOSTS. */
function hostsOf(s: AppSettings): string[] {
  const out = new Set<string>();
  for (const b of s.bind) {
    const p = parseBind(b);
    if (p?.kind !== 'tcp') continue;
    if (p.host === '0.0.0.0') ['127.0.0.1', 'localhost'].forEach((h) => out.add(h));
    else if (p.host === '::') ['[::1]', 'localhost'].forEach((h) => out.add(h));
    else out.add(p.host.includes(':') ? `[${p.host}]` : p.host);
  }
  return [...out];
}

function healthTarget(s: AppSettings): { host: string; port: number; hostForUrl: string } | null {
  for (const b of s.bind) {
    const p = parseBind(b);
    if (p?.kind !== 'tcp') continue;
    const host = loopbackFor(p.host);
    return { host, port: p.port, hostForUrl: host.includes(':') ? `[${host}]` : host };
  }
  return null;
}

function describe(e: unknown): string {
  if (isGantryError(e)) {
    const d = e.details ?? {};
    const extra = ['traceback', 'output', 'stderr'].map((k) => d[k]).find((v) => typeof v === 'string') as string | undefined;
    return extra ? `${e.message}\n${extra}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
