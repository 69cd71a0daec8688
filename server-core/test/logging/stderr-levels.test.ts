// A real worker running an app that logs with Python's `logging`: what reaches the output stream carries the
// level the line states (not ERROR for all of stderr), and a traceback arrives as one entry, both for
// output written inside a request (FCGI_STDERR, tagged with its request id) and outside one (fd 2).
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutputLine } from '../../src/runtime/types.js';
import { appScope, until } from '../runtime/harness.js';
import { fetchRaw } from '../gateway/http-client.js';

const app = appScope({ app: 'pylogging:application', workers: 1 });
const lines: OutputLine[] = [];
beforeAll(() => void app.runtime.on('output', (l) => lines.push(l)));

describe('stderr levels from a real worker', () => {
  it("gives each logging line its level and keeps logger.exception's traceback in one entry", async () => {
    const r = await fetchRaw(`${app.url}/log`, { headers: { 'X-Request-ID': 'log-1' } });
    expect(r.status).toBe(200);
    const mine = (): OutputLine[] => lines.filter((l) => l.requestId === 'log-1');
    await until(() => mine().some((l) => l.text.includes('KeyError')), 5000, 'the traceback');
    const got = mine().map((l) => [l.level, l.text.split('\n')[0]]);
    expect(got).toEqual([
      ['info', 'INFO:shop.orders:order placed'],
      ['warning', 'WARNING:shop.orders:stock low'],
      ['error', 'ERROR:root:payment declined'],
      ['info', expect.stringMatching(/^\[\d{4}-\d\d-\d\d [\d:]+ [+-]\d{4}\] \[\d+\] \[INFO\] styled info line$/)],
      ['info', 'a plain line on stderr'],
      ['error', 'ERROR:shop.orders:lookup failed'],
    ]);
    const tb = mine().at(-1)!;
    // logger.exception(): the message line and its traceback are one entry.
    expect(tb.text.split('\n')[1]).toBe('Traceback (most recent call last):');
    expect(tb.text.split('\n').at(-1)).toBe("KeyError: 'missing'");
    expect(tb.text).toMatch(/File ".*pylogging\.py", line \d+, in application/);
  });

  it('keeps the traceback of an exception the app does not catch in one ERROR entry', async () => {
    const r = await fetchRaw(`${app.url}/raise`, { headers: { 'X-Request-ID': 'raise-1' } });
    expect(r.status).toBe(500);
    const mine = (): OutputLine[] => lines.filter((l) => l.requestId === 'raise-1' && l.source === 'stderr');
    await until(() => mine().some((l) => l.text.includes('ValueError: unhandled in the app')), 5000, 'the traceback');
    const tb = mine().find((l) => l.text.includes('ValueError'))!;
    expect(tb.level).toBe('error');
    expect(tb.text.startsWith('Traceback (most recent call last):')).toBe(true);
    expect(tb.text.split('\n').length).toBeGreaterThan(3);
  });

  it('classifies output written outside any request (fd 2) the same way', async () => {
    // Written while the worker booted (before start() resolved): read from what the harness collected since before start.
    const l = app.output.find((x) => x.text.includes('imported, outside any request'));
    expect(l).toMatchObject({ source: 'stderr', level: 'warning', requestId: null, text: 'WARNING:root:imported, outside any request' });
  });
});
