// A server-sent-events connection that survives restarts of the other side: it reconnects with
// exponential back-off (reset once a connection opens), sends Last-Event-ID so the server replays what
// was missed, and gives up only on 401/403 (a wrong token will not get better by retrying).
import { createSseParser, type SseMessage } from '../../../server-core/src/control/sse-parser';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  /** Full URL of the stream, query included. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly onMessage: (message: SseMessage) => void;
  readonly onState?: (
    state: StreamState,
    detail?: { readonly attempt: number; readonly delayMs?: number; readonly error?: string },
  ) => void;
  /** Resume point from an earlier stream (e.g. after re-subscribing with other filters). */
  readonly lastEventId?: string | null;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly fetch?: typeof fetch;
}

export interface EventStream {
  close(): void;
  readonly lastEventId: string | null;
  readonly state: StreamState;
}

/** Delay before reconnect attempt `attempt` (1-based): initial·2^(n-1), capped, with ±20% jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function openEventStream(options: EventStreamOptions): EventStream {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 15_000;
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  let lastEventId: string | null = options.lastEventId ?? null;
  let state: StreamState = 'connecting';
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let abort: AbortController | null = null;
  let serverRetry: number | null = null;

  const setState = (s: StreamState, detail?: { attempt: number; delayMs?: number; error?: string }): void => {
    state = s;
    options.onState?.(s, detail);
  };

  async function connect(): Promise<void> {
    abort = new AbortController();
    const parser = createSseParser();
    try {
      const res = await doFetch(options.url, {
        headers: { accept: 'text/event-stream', ...options.headers, ...(lastEventId !== null ? { 'last-event-id': lastEventId } : {}) },
        signal: abort.signal,
        cache: 'no-store',
      });
      if (res.status === 401 || res.status === 403) {
        closed = true;
        setState('closed', { attempt, error: `refused (${res.status})` });
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      attempt = 0;
      setState('open', { attempt });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const m of parser.push(decoder.decode(value, { stream: true }))) {
          if (m.id !== null) lastEventId = m.id;
          if (closed) return;
          options.onMessage(m);
        }
        serverRetry = parser.retryMs ?? serverRetry;
      }
      throw new Error('stream ended');
    } catch (e) {
      if (closed) return;
      scheduleReconnect(e instanceof Error ? e.message : String(e));
    }
  }

  function scheduleReconnect(error: string): void {
    attempt++;
    const delayMs = serverRetry !== null && attempt === 1 ? serverRetry : backoffDelay(attempt, initial, max);
    setState('reconnecting', { attempt, delayMs, error });
    timer = setTimeout(() => {
      timer = null;
      if (!closed) void connect();
    }, delayMs);
  }

  setState('connecting', { attempt: 0 });
  void connect();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      abort?.abort();
      setState('closed', { attempt });
    },
    get lastEventId() {
      return lastEventId;
    },
    get state() {
      return state;
    },
  };
}
