// GET /api/apps/:id/output as a history a client pages back through: `since` (lines at or after a time, what a
// jump to a time needs), `maxBytes` (a page bounded by bytes, as the history weighs lines), and `kept` (what the
// Host still holds, so a client can tell "nothing was written then" from "no longer kept"). Through the real
// control API, with its token; the app is a stand-in runtime whose /boom writes one stderr line.
import { describe, expect, it } from 'vitest';
import type { OutputPage, OutputRecord } from '../../src/control/contract.js';
import { createFakeRuntime } from '../host/fake-runtime.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { addApp, harnessScope } from './api-client.js';

/** The fake app's line ('Traceback: boom') as the history weighs it: its text plus 128. */
const LINE_BYTES = 'Traceback: boom'.length + 128;
const project = tempDirScope('gantry-project-');
// A small history: 50 lines, and bytes for 40 of them, so the byte budget is what evicts.
const h = harnessScope({
  createRuntime: (s) => createFakeRuntime(s),
  logCapacities: { access: 1000, output: 50, events: 100, metrics: 10, outputBytes: 40 * LINE_BYTES },
});

async function boom(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`${url}boom`, { headers: { 'x-request-id': `b${i}` } })).text();
}

const page = async (query: string) => {
  const r = await h.api<OutputPage>('GET', `/api/apps/web/output${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe('GET /api/apps/:id/output: paging back by time and by bytes', () => {
  it('pages back within a byte bound, reads from a time, and says what is no longer kept', async () => {
    await addApp(h, project.path, 'web');
    const started = await h.api('POST', '/api/apps/web/start', {});
    expect(started.body.state).toBe('running');
    const url = started.body.urls[0] as string;

    // Nothing written yet that fell off: everything is kept.
    await boom(url, 10);
    let all = await page('?limit=5000');
    expect(all.kept).toMatchObject({ evicted: 0, oldestSeq: 1, maxLines: 50, maxBytes: 40 * LINE_BYTES });
    expect(all.kept.lines).toBe(all.items.length);

    // 60 lines more: the byte budget (40 lines' worth) evicts the oldest; kept says from where and how many.
    await boom(url, 60);
    all = await page('?limit=5000');
    const lines = all.items.slice().reverse(); // oldest first
    expect(lines).toHaveLength(40);
    expect(all.kept.lines).toBe(40);
    expect(all.kept.bytes).toBe(40 * LINE_BYTES);
    expect(all.kept.oldestSeq).toBe(lines[0]!.seq);
    expect(all.kept.oldestTime).toBe(lines[0]!.time);
    expect(all.kept.evicted).toBe(lines[0]!.seq - 1);
    expect(all.kept.evicted).toBeGreaterThanOrEqual(30);

    // maxBytes: each page holds as many whole lines as fit (7 of 143 bytes in 1 KiB); paging with nextBefore
    // walks the whole history, newest first, each line once.
    const perPage = Math.floor(1024 / LINE_BYTES);
    const walked: OutputRecord[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const p: OutputPage = await page(`?maxBytes=1024&limit=5000${before === null ? '' : `&before=${before}`}`);
      expect(p.items.length).toBeLessThanOrEqual(perPage);
      expect(p.items.length).toBeGreaterThan(0);
      walked.push(...p.items);
      before = p.nextBefore;
      pages++;
    } while (before !== null && pages < 100);
    expect(pages).toBe(Math.ceil(40 / perPage));
    expect(walked.map((l) => l.seq)).toEqual(all.items.map((l) => l.seq));
    // The count bound still holds beside the byte bound.
    expect((await page('?maxBytes=1048576&limit=3')).items).toHaveLength(3);

    // since: the lines at or after a time, and nothing older; with before, those older than a cursor too.
    const cut = lines[20]!.time;
    const fromCut = lines.filter((l) => l.time >= cut);
    const since = await page(`?since=${cut}&limit=5000`);
    expect(since.items.map((l) => l.seq)).toEqual(fromCut.map((l) => l.seq).reverse());
    expect(since.nextBefore).toBeNull();
    const cursor = lines[30]!.seq;
    const between = await page(`?since=${cut}&before=${cursor}&limit=5000`);
    expect(between.items.map((l) => l.seq)).toEqual(
      fromCut
        .filter((l) => l.seq < cursor)
        .map((l) => l.seq)
        .reverse(),
    );
    // A time older than anything kept returns what is kept, and kept says older lines fell off.
    const old = await page(`?since=0&limit=5000`);
    expect(old.items).toHaveLength(40);
    expect(old.kept.evicted).toBeGreaterThan(0);
  });

  it('refuses bad bounds with the field named, and answers only with the token', async () => {
    for (const [query, field] of [
      ['?maxBytes=10', 'query.maxBytes'],
      [`?maxBytes=${8 * 1024 * 1024 + 1}`, 'query.maxBytes'],
      ['?maxBytes=1.5', 'query.maxBytes'],
      ['?since=-1', 'query.since'],
      ['?since=soon', 'query.since'],
    ] as const) {
      const r = await h.api('GET', `/api/apps/web/output${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body, query).toMatchObject({ code: 'GANTRY_ERR_INVALID_CONFIG', details: { field } });
    }
    expect((await h.api('GET', '/api/apps/nope/output?since=0')).status).toBe(404);
    const anonymous = await fetch(`${h.server.url}/api/apps/web/output?since=0`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('GANTRY_ERR_UNAUTHORIZED');
  });
});
