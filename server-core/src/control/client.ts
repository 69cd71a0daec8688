// The typed control-API client, for every caller of the API: the renderer, `gantry apps`, the tests. One
// `call(route, args)` whose params, query, body and response types all come from the contract's route table, so a
// renamed field is a compile error here, not a 400 at run time; `stream()` reads the event stream with the one SSE
// parser. Environment-neutral (fetch, ReadableStream): it runs in Node 20 and is bundled into the renderer, so it
// imports only the contract and its own folder's neutral modules.
import { ApiError } from './api-error.js';
import {
  buildPath,
  buildQuery,
  ROUTES,
  type BodyOf,
  type CallRouteName,
  type ErrorBody,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
  type RouteName,
} from './contract.js';
import { readSse, type SseMessage } from './sse-parser.js';

/** Where the API is and the token it wants (from `ui.json`, the Electron preload, or the page's `#token=`). */
export interface ApiConnection {
  /** Origin of the control API, e.g. http://127.0.0.1:43121 (no trailing slash; '' for the page's own origin). */
  readonly baseUrl: string;
  readonly token: string;
}

type ParamsArg<N extends RouteName> = ParamsOf<N> extends undefined ? { readonly params?: undefined } : { readonly params: ParamsOf<N> };
type QueryArg<N extends RouteName> = QueryOf<N> extends undefined ? { readonly query?: undefined } : { readonly query?: QueryOf<N> };
type BodyArg<N extends RouteName> = BodyOf<N> extends undefined ? { readonly body?: undefined } : { readonly body?: BodyOf<N> };
export type CallArgs<N extends RouteName> = ParamsArg<N> & QueryArg<N> & BodyArg<N> & { readonly signal?: AbortSignal };

/** One HTTP exchange as it happened, whatever its status: what `send` answers. */
export interface Exchange<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the answer is JSON, else its text ('' when empty). */
  readonly body: T;
}

export interface SendOptions {
  /** Sent as JSON, with its content type. */
  readonly json?: unknown;
  /** Sent as it is (with `headers`' content type, if any): for bodies the contract would refuse. */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface StreamOptions {
  readonly signal?: AbortSignal;
  /** Resume after this event id (sent as Last-Event-ID). */
  readonly lastEventId?: string | null;
}

/** What the client says when the transport, not the API, is at fault: each caller knows how its user gets in. */
export interface ClientHints {
  /** The API did not answer (network error). */
  readonly unreachable?: string;
  /** 401: the token is missing or wrong. Default: the API's own message. */
  readonly unauthorized?: string;
}

export interface ApiClientOptions {
  readonly fetch?: typeof fetch;
  readonly hints?: ClientHints;
}

export interface ApiClient {
  readonly connection: ApiConnection;
  /** One route of the contract (not the event stream: `stream`); a non-2xx answer or no answer at all throws an ApiError. */
  call<N extends CallRouteName>(name: N, ...args: ParamsOf<N> extends undefined ? [CallArgs<N>?] : [CallArgs<N>]): Promise<ResponseOf<N>>;
  /**
   * The event stream (`GET /api/events`) as messages; `data` is a JSON SseEnvelope (SseBatch for `batch` frames).
   * A refusal (401, 503 GANTRY_ERR_TOO_MANY_STREAMS, a bad filter) throws an ApiError before any message.
   */
  stream(query?: QueryOf<'stream'>, options?: StreamOptions): Promise<AsyncGenerator<SseMessage, void, undefined>>;
  /** Any request to the API with the token, answered whatever its status: for what the route table cannot say. */
  send<T = unknown>(method: string, path: string, options?: SendOptions): Promise<Exchange<T>>;
  /** Absolute URL of a path on the API (for links such as /metrics). */
  url(path: string): string;
  /** Headers every request carries (the token). */
  headers(): Record<string, string>;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // Prometheus text, HTML
  }
}

export function createApiClient(connection: ApiConnection, options: ApiClientOptions = {}): ApiClient {
  // Late-bound: a test (or a page) may replace the global fetch after the client is made.
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const hints = options.hints ?? {};
  const base = connection.baseUrl.replace(/\/+$/, '');
  const headers = (): Record<string, string> => (connection.token ? { authorization: `Bearer ${connection.token}` } : {});

  async function request(
    method: string,
    path: string,
    init: { body?: string; headers?: Readonly<Record<string, string>>; signal?: AbortSignal | undefined },
  ): Promise<Response> {
    try {
      return await doFetch(base + path, { method, headers: { ...headers(), ...init.headers }, body: init.body, signal: init.signal });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError(
        0,
        null,
        hints.unreachable ?? `cannot reach Gantry at ${base || 'this page'}: ${(e as Error)?.message ?? String(e)}`,
      );
    }
  }

  function refusal(status: number, data: unknown, what: string): ApiError {
    const body = data && typeof data === 'object' ? (data as Partial<ErrorBody>) : null;
    // The one failure a user must fix by hand: say how, in the caller's words.
    if (status === 401 && hints.unauthorized)
      return new ApiError(401, { code: 'GANTRY_ERR_UNAUTHORIZED', message: hints.unauthorized }, '');
    return new ApiError(status, body, `${what} failed with ${status}`);
  }

  return {
    connection,
    headers,
    url: (path) => base + path,
    async call(name, args) {
      const spec = ROUTES[name];
      const a = (args ?? {}) as {
        params?: Record<string, string | number>;
        query?: Record<string, unknown>;
        body?: unknown;
        signal?: AbortSignal;
      };
      const path = buildPath(spec.path, a.params ?? {}) + buildQuery(a.query);
      const hasBody = 'body' in spec;
      const res = await request(spec.method, path, {
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), accept: 'application/json' },
        body: hasBody ? JSON.stringify(a.body ?? {}) : undefined,
        signal: a.signal,
      });
      const data = await readBody(res);
      if (!res.ok) throw refusal(res.status, data, `${spec.method} ${path}`);
      return data as never;
    },
    async stream(query, opts = {}) {
      const path = ROUTES.stream.path + buildQuery(query);
      const res = await request('GET', path, {
        headers: { accept: 'text/event-stream', ...(opts.lastEventId != null ? { 'last-event-id': opts.lastEventId } : {}) },
        signal: opts.signal,
      });
      if (!res.ok || !res.body) throw refusal(res.status, await readBody(res), `GET ${path}`);
      return readSse(res.body);
    },
    async send<T>(method: string, path: string, opts: SendOptions = {}) {
      const json = opts.json !== undefined;
      const res = await request(method, path, {
        headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        body: json ? JSON.stringify(opts.json) : opts.text,
        signal: opts.signal,
      });
      return { status: res.status, headers: res.headers, body: (await readBody(res)) as T };
    },
  };
}
