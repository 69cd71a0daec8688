// Quitting: stop every app gracefully, but never wait forever. stopAll() races a timer; if it overruns, every
// worker is killed (killAll), which races a second, shorter timer; then the process exits regardless.
// VS Code's utilityProcess waitForExit(ms) is the model: every stop is bounded.

import { TIMED_OUT, within } from '@gantry/server-core';

export interface StoppableHost {
  stopAll(): Promise<void>;
  killAll(): Promise<void>;
}

export interface QuitLimits {
  /** How long apps get to finish in-flight requests and stop their workers. */
  readonly gracefulMs: number;
  /** How long killing may take before we give up waiting and exit anyway. */
  readonly forceMs: number;
}

const DEFAULT_QUIT_LIMITS: QuitLimits = { gracefulMs: 10_000, forceMs: 3_000 };

/** graceful: everything stopped in time. forced: killAll ran and finished. abandoned: even killAll overran. */
export type QuitOutcome =
  | { readonly kind: 'graceful' }
  | { readonly kind: 'forced'; readonly reason: string }
  | { readonly kind: 'abandoned'; readonly reason: string };

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Resolves with the promise's outcome, or TIMED_OUT after `ms`; the timer never keeps the process alive. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T> | typeof TIMED_OUT> {
  const settled = promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error }),
  );
  return within(settled, ms, { unref: true });
}

export async function stopEverything(host: StoppableHost, limits: QuitLimits = DEFAULT_QUIT_LIMITS): Promise<QuitOutcome> {
  const graceful = await settledWithin(
    Promise.resolve().then(() => host.stopAll()),
    limits.gracefulMs,
  );
  if (graceful !== TIMED_OUT && graceful.ok) return { kind: 'graceful' };
  const reason =
    graceful === TIMED_OUT ? `graceful stop took longer than ${limits.gracefulMs} ms` : `graceful stop failed: ${String(graceful.error)}`;
  const forced = await settledWithin(
    Promise.resolve().then(() => host.killAll()),
    limits.forceMs,
  );
  if (forced !== TIMED_OUT && forced.ok) return { kind: 'forced', reason };
  return {
    kind: 'abandoned',
    reason:
      forced === TIMED_OUT ? `${reason}; kill took longer than ${limits.forceMs} ms` : `${reason}; kill failed: ${String(forced.error)}`,
  };
}

/**
 * One quit, however many times it is asked for (tray, Cmd+Q, window close, SIGTERM): the first request runs
 * the sequence and exits; later ones wait for the same outcome.
 */
export class QuitController {
  #running: Promise<QuitOutcome> | null = null;
  #done = false;

  constructor(
    private readonly host: () => StoppableHost | null,
    private readonly exit: (code: number) => void,
    private readonly limits: QuitLimits = DEFAULT_QUIT_LIMITS,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** True once the sequence finished; Electron's before-quit lets the quit through from then on. */
  get done(): boolean {
    return this.#done;
  }

  get inProgress(): boolean {
    return this.#running !== null && !this.#done;
  }

  request(): Promise<QuitOutcome> {
    this.#running ??= this.#run();
    return this.#running;
  }

  async #run(): Promise<QuitOutcome> {
    const host = this.host();
    const outcome: QuitOutcome = host === null ? { kind: 'graceful' } : await stopEverything(host, this.limits);
    if (outcome.kind !== 'graceful') this.log(`gantry: quit: ${outcome.kind}: ${outcome.reason}`);
    this.#done = true;
    this.exit(outcome.kind === 'abandoned' ? 1 : 0);
    return outcome;
  }
}
