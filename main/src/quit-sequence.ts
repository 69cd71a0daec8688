// Quitting: stop every app gracefully, but never wait forever. stopAll() races a timer; if it overruns, every
// worker is killed (killAll), which races a second, shorter timer; then the process exits regardless.
// VS Code's utilityProcess waitForExit(ms) is the model: every stop is bounded.

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

export const DEFAULT_QUIT_LIMITS: QuitLimits = { gracefulMs: 10_000, forceMs: 3_000 };

/** graceful: everything stopped in time. forced: killAll ran and finished. abandoned: even killAll overran. */
export type QuitOutcome = { readonly kind: 'graceful' } | { readonly kind: 'forced'; readonly reason: string } | { readonly kind: 'abandoned'; readonly reason: string };

const TIMEOUT = Symbol('timeout');

/** Resolves with the promise's outcome, or TIMEOUT after `ms`; the timer never keeps the process alive. */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function stopEverything(host: StoppableHost, limits: QuitLimits = DEFAULT_QUIT_LIMITS): Promise<QuitOutcome> {
  const graceful = await within(Promise.resolve().then(() => host.stopAll()), limits.gracefulMs);
  if (graceful !== TIMEOUT && graceful.ok) return { kind: 'graceful' };
  const reason = graceful === TIMEOUT ? `graceful stop took longer than ${limits.gracefulMs} ms` : `graceful stop failed: ${String(graceful.error)}`;
  const forced = await within(Promise.resolve().then(() => host.killAll()), limits.forceMs);
  if (forced !== TIMEOUT && forced.ok) return { kind: 'forced', reason };
  return { kind: 'abandoned', reason: forced === TIMEOUT ? `${reason}; kill took longer than ${limits.forceMs} ms` : `${reason}; kill failed: ${String(forced.error)}` };
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
