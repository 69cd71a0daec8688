// Starts a real AppRuntime (gateway + Python workers) on a fixture app, on port 0, for integration tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { perTest, scope } from '../helpers/per-test.js';
import { defaultSettings, mergeSettings, type AppSettings, type PartialAppSettings } from '../../src/config/settings.js';
import { createAppRuntime, type LocalAppRuntime } from '../../src/runtime/app-runtime.js';
import type { AccessEntry, AppEvent, OutputLine } from '../../src/runtime/types.js';

export const FIXTURE_APPS = fileURLToPath(new URL('../fixtures/apps/', import.meta.url));

export interface Running {
  readonly runtime: LocalAppRuntime;
  readonly url: string;
  readonly port: number;
  readonly events: AppEvent[];
  readonly access: AccessEntry[];
  /** Every output line since before start (the runtime keeps no history of its own). */
  readonly output: OutputLine[];
  stop(): Promise<void>;
}

export function fixtureSettings(overrides: PartialAppSettings = {}): AppSettings {
  return mergeSettings(defaultSettings(), {
    app: 'basic:application',
    chdir: FIXTURE_APPS,
    bind: ['127.0.0.1:0'],
    python: 'python3',
    gracefulTimeout: 5,
    ...overrides,
  });
}

async function startApp(overrides: PartialAppSettings = {}): Promise<Running> {
  const runtime = createAppRuntime(fixtureSettings(overrides), { processStats: overrides.maxWorkerRss ? true : false });
  const events: AppEvent[] = [];
  const access: AccessEntry[] = [];
  const output: OutputLine[] = [];
  runtime.on('event', (e) => events.push(e));
  runtime.on('access', (a) => access.push(a));
  runtime.on('output', (l) => output.push(l));
  await runtime.start();
  const url = runtime.status().urls[0]!;
  return { runtime, url, port: Number(new URL(url).port), events, access, output, stop: () => runtime.stop({ graceful: false }) };
}

/** For a file's tests: the returned function starts an app (a fixture app on port 0), stopped after the test that started it. */
export function appPerTest(): (overrides?: PartialAppSettings) => Promise<Running> {
  return perTest(startApp, (app) => app.stop());
}

/** An app (as startApp) the enclosing block's tests share (`file`, the default), or one for each test (`each`). */
export function appScope(overrides: PartialAppSettings = {}, per: 'each' | 'file' = 'file'): Running {
  return scope(
    () => startApp(overrides),
    (app) => app.stop(),
    per,
  );
}

/** Resolves when `predicate` holds, checking on each runtime event and every 20 ms; rejects at the deadline. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while a process with this pid exists and is not a zombie (an exited child nobody reaped yet). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}
