// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseRoute } from '../app/router';
import { ApiError } from '../../../server-core/src/control/api-error';
import { createApiClient } from '../../../server-core/src/control/client';
import { CONNECTION_HINTS, routeAfterToken, tokenFromUrl } from './connection';

const T = 'ab'.repeat(32);

describe('the token in a gantry ui link', () => {
  it('is read from the fragment (and from ?token= of older links), nothing else', () => {
    expect(tokenFromUrl(new URL(`http://127.0.0.1:5000/#token=${T}`))).toBe(T);
    expect(tokenFromUrl(new URL(`http://127.0.0.1:5000/?token=${T}`))).toBe(T);
    expect(tokenFromUrl(new URL('http://127.0.0.1:5000/#/apps/x/requests'))).toBeNull();
    expect(tokenFromUrl(new URL('http://127.0.0.1:5000/#token=<script>'))).toBeNull();
    // The printed link with a route appended.
    expect(tokenFromUrl(new URL(`http://127.0.0.1:5000/#token=${T}#/apps/x/requests`))).toBe(T);
    expect(routeAfterToken(`#token=${T}#/apps/x/requests`)).toBe('#/apps/x/requests');
    expect(routeAfterToken(`#token=${T}`)).toBe('#/');
    expect(routeAfterToken('#/add')).toBe('#/add');
    expect(parseRoute(`#token=${T}#/apps/x/requests`)).toEqual({ name: 'app', id: 'x', tab: 'requests' });
  });
});

describe("the page's words for what the user must fix", () => {
  const refusal = (p: Promise<unknown>): Promise<ApiError> =>
    p.then(
      () => Promise.reject(new Error('answered')),
      (e: ApiError) => e,
    );

  it('a refused token points at the printed link; no answer asks whether gantry ui still runs', async () => {
    const answer401: typeof fetch = async () =>
      new Response(JSON.stringify({ code: 'GANTRY_ERR_UNAUTHORIZED', message: 'missing or wrong control API token' }), { status: 401 });
    const refused = await refusal(
      createApiClient({ baseUrl: '', token: 'x' }, { hints: CONNECTION_HINTS, fetch: answer401 }).call('listApps'),
    );
    expect([refused.code, refused.message]).toEqual(['GANTRY_ERR_UNAUTHORIZED', CONNECTION_HINTS.unauthorized]);
    const down: typeof fetch = async () => Promise.reject(new TypeError('fetch failed'));
    const gone = await refusal(createApiClient({ baseUrl: '', token: 'x' }, { hints: CONNECTION_HINTS, fetch: down }).call('listApps'));
    expect([gone.code, gone.message]).toEqual(['NETWORK', CONNECTION_HINTS.unreachable]);
  });
});
