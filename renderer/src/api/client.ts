// The typed control-API client: one `call(route, args)` whose params, query, body and response types all
// come from the contract's route table, so a renamed field is a compile error here, not a 400 at run time.
import { buildPath, buildQuery, ROUTES, type BodyOf, type ParamsOf, type QueryOf, type ResponseOf, type RouteName } from './contract';
import { ApiError } from './api-error';
import type { ApiConnection } from './preload';

type ParamsArg<N extends RouteName> = ParamsOf<N> extends undefined ? { readonly params?: undefined } : { readonly params: ParamsOf<N> };
type QueryArg<N extends RouteName> = QueryOf<N> extends undefined ? { readonly query?: undefined } : { readonly query?: QueryOf<N> };
type BodyArg<N extends RouteName> = BodyOf<N> extends undefined ? { readonly body?: undefined } : { readonly body?: BodyOf<N> };
export type CallArgs<N extends RouteName> = ParamsArg<N> & QueryArg<N> & BodyArg<N> & { readonly signal?: AbortSignal };

export interface ApiClient {
  readonly connection: ApiConnection;
  call<N extends RouteName>(name: N, ...args: ParamsOf<N> extends undefined ? [CallArgs<N>?] : [CallArgs<N>]): Promise<ResponseOf<N>>;
  /** Absolute URL of a route (for links such as /metrics). */
  url(path: string): string;
  /** Headers every request carries (the token). */
  headers(): Record<string, string>;
}

export function createApiClient(connection: ApiConnection, fetchImpl: typeof fetch = (...a) => fetch(...a)): ApiClient {
  const headers = (): Record<string, string> => (connection.token ? { authorization: `Bearer ${connection.token}` } : {});
  return {
    connection,
    headers,
    url: (path) => connection.baseUrl + path,
    async call(name, args) {
      const spec = ROUTES[name];
      const a = (args ?? {}) as { params?: Record<string, string | number>; query?: Record<string, unknown>; body?: unknown; signal?: AbortSignal };
      const path = buildPath(spec.path, a.params ?? {}) + buildQuery(a.query);
      const hasBody = 'body' in spec;
      let res: Response;
      try {
        res = await fetchImpl(connection.baseUrl + path, {
          method: spec.method,
          headers: { ...headers(), ...(hasBody ? { 'content-type': 'application/json' } : {}), accept: 'application/json' },
          body: hasBody ? JSON.stringify(a.body ?? {}) : undefined,
          signal: a.signal,
        });
      } catch (e) {
        if ((e as Error)?.name === 'AbortError') throw e;
        throw new ApiError(0, null, 'Cannot reach Gantry: is `gantry ui` still running?');
      }
      const text = await res.text();
      let data: unknown = null;
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      if (!res.ok) {
        const body = data && typeof data === 'object' ? (data as object) : null;
        if (res.status === 401) {
          // The one failure a user must fix by hand: say how.
          throw new ApiError(401, { code: 'GANTRY_ERR_UNAUTHORIZED', message: 'Gantry refused the request: the access token is missing or wrong. Open the address that `gantry ui` printed (it ends in #token=…).' }, '');
        }
        throw new ApiError(res.status, body, `${spec.method} ${path} failed with ${res.status}`);
      }
      return data as never;
    },
  };
}
