// The control API's one client (src/control/client.ts), as the renderer, `gantry apps` and the tests use it, against
// a real control server: typed calls, refusals revived as ApiError with their code and field, the transport's
// failures in the caller's words, and the event stream read with the one SSE parser.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage } from '../../src/control/api-error.js';
import { createApiClient } from '../../src/control/client.js';
import type { SseEnvelope } from '../../src/control/contract.js';
import { freePort } from '../helpers/free-port.js';
import { SERVER_CORE_DIR } from '../helpers/paths.js';
import { harnessScope } from './api-client.js';

const folder = resolve(SERVER_CORE_DIR, 'test/fixtures/detect/pyproject');
const h = harnessScope();

/** The error a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('call', () => {
  it('sends params, query and body as the contract says and answers the typed response', async () => {
    const added = await h.client.call('addApp', { body: { folder, id: 'typed', detect: false } });
    expect(added.app.definition).toMatchObject({ id: 'typed', folder });
    const effective = await h.client.call('effective', { params: { id: 'typed' }, query: { profile: 'staging' } });
    expect(effective).toMatchObject({ appId: 'typed', profile: 'staging', origins: { workers: { layer: 'profile', profile: 'staging' } } });
    const page = await h.client.call('access', { params: { id: 'typed' }, query: { status: ['4xx', '5xx'], limit: 5 } });
    expect(page.items).toEqual([]);
    expect(await h.client.call('health')).toMatchObject({ ok: true, home: h.home.path });
  });

  it('revives a refusal as an ApiError with its status, code and field', async () => {
    const unknown = await refusal(h.client.call('getApp', { params: { id: 'nope' } }));
    expect([unknown.status, unknown.code]).toEqual([404, 'GANTRY_ERR_APP_UNKNOWN']);
    const bad = await refusal(h.client.call('scale', { params: { id: 'typed' }, body: { workers: 0 } }));
    expect([bad.status, bad.code, bad.field]).toEqual([400, 'GANTRY_ERR_INVALID_CONFIG', 'workers']);
    expect(errorMessage(bad)).toContain(bad.reason!);
  });

  it("says how to get in when the token is wrong: the API's words, or the caller's", async () => {
    const plain = await refusal(createApiClient({ baseUrl: h.server.url, token: 'wrong' }).call('listApps'));
    expect([plain.status, plain.code]).toEqual([401, 'GANTRY_ERR_UNAUTHORIZED']);
    const hinted = await refusal(
      createApiClient({ baseUrl: h.server.url, token: 'wrong' }, { hints: { unauthorized: 'open the printed link' } }).call('listApps'),
    );
    expect([hinted.code, hinted.message]).toEqual(['GANTRY_ERR_UNAUTHORIZED', 'open the printed link']);
  });

  it('turns no answer at all into a NETWORK error naming the address', async () => {
    const port = await freePort();
    const down = await refusal(createApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't' }).call('health'));
    expect([down.status, down.code]).toEqual([0, 'NETWORK']);
    expect(down.message).toContain(`127.0.0.1:${port}`);
  });

  it('lets an abort through as an abort', async () => {
    const e = await h.client.call('health', { signal: AbortSignal.abort() }).catch((err: unknown) => err);
    expect((e as Error).name).toBe('AbortError');
  });
});

describe('stream', () => {
  it("delivers the event stream's envelopes, filtered by the query", async () => {
    const ac = new AbortController();
    const messages = await h.client.stream({ types: ['apps-changed'] }, { signal: ac.signal });
    await h.client.call('addApp', { body: { folder, id: 'streamed', detect: false } });
    const { value } = await messages.next();
    const envelope = JSON.parse(value!.data) as SseEnvelope;
    expect(value!.event).toBe('apps-changed');
    expect(value!.id).toBe(String(envelope.id));
    expect(envelope).toMatchObject({ type: 'apps-changed', data: { appIds: expect.arrayContaining(['streamed']) } });
    ac.abort();
    await messages.return();
  });

  it('resumes after Last-Event-ID, replaying what came after it', async () => {
    const first = await h.client.stream({ types: ['apps-changed'] });
    await h.client.call('addApp', { body: { folder, id: 'resume-a', detect: false } });
    const a = (await first.next()).value!;
    await first.return();
    await h.client.call('addApp', { body: { folder, id: 'resume-b', detect: false } });
    const resumed = await h.client.stream({ types: ['apps-changed'] }, { lastEventId: a.id });
    const b = JSON.parse((await resumed.next()).value!.data) as SseEnvelope;
    expect(b.data).toMatchObject({ appIds: expect.arrayContaining(['resume-b']) });
    expect(b.id).toBeGreaterThan(Number(a.id));
    await resumed.return();
  });

  it('throws the refusal before any message (a bad filter)', async () => {
    const bad = await refusal(h.client.stream({ types: ['nope' as 'notice'] }));
    expect([bad.status, bad.code]).toEqual([400, 'GANTRY_ERR_INVALID_CONFIG']);
  });
});

describe('send', () => {
  it('answers any request whatever its status, with the token', async () => {
    const r = await h.client.send<{ code: string }>('POST', '/api/apps', {
      text: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect([r.status, r.body.code]).toEqual([400, 'GANTRY_ERR_INVALID_CONFIG']);
    const prom = await h.client.send<string>('GET', '/metrics');
    expect(prom.status).toBe(200);
    expect(typeof prom.body).toBe('string');
  });
});
