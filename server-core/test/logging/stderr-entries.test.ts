// stderr lines get the level they state, and a Python traceback is one entry (logging/stderr-entries.ts).
import { describe, expect, it } from 'vitest';
import { StderrEntries, stderrLevel } from '../../src/logging/stderr-entries.js';

describe('stderrLevel', () => {
  it.each([
    ['WARNING:root:disk almost full', 'warning'],
    ['ERROR:shop.orders:payment declined', 'error'],
    ['INFO:werkzeug:started', 'info'],
    ['DEBUG:urllib3.connectionpool:Starting new HTTPS connection', 'debug'],
    ['CRITICAL:root:out of memory', 'critical'],
    ['WARNING: this is a prefix warning', 'warning'],
    ['ERROR something broke', 'error'],
    ['[2026-12-04 18:00:01 +0000] [4121] [INFO] Listening at: http://127.0.0.1:8000', 'info'],
    ['[2026-12-04 18:00:01 +0000] [4121] [ERROR] Exception in worker process', 'error'],
    ['2026-12-04 18:00:01,123 - shop - WARNING - stock low', 'warning'],
    ['2026-12-04 18:00:01,123 ERROR shop: failed', 'error'],
    ['/srv/app/views.py:12: DeprecationWarning: old API', 'warning'],
    ['Fatal Python error: Segmentation fault', 'critical'],
    ['a plain line', 'info'],
    ['an error occurred somewhere in prose', 'info'],
    ['127.0.0.1 - - [04/Dec/2026 18:00:01] "GET / HTTP/1.1" 200 -', 'info'],
  ])('%s -> %s', (line, level) => {
    expect(stderrLevel(line)).toBe(level);
  });
});

function collect(): { entries: Array<[string, string]>; s: StderrEntries } {
  const entries: Array<[string, string]> = [];
  const s = new StderrEntries((text, level) => entries.push([level, text]), 0);
  return { entries, s };
}

const TB = ['Traceback (most recent call last):', '  File "/srv/app.py", line 3, in view', "    {}['x']", "KeyError: 'x'"];

describe('StderrEntries', () => {
  it('keeps a traceback together as one ERROR entry, and lines around it on their own', () => {
    const { entries, s } = collect();
    for (const l of ['before', ...TB, 'WARNING:root:after']) s.push(l);
    s.end();
    expect(entries).toEqual([
      ['info', 'before'],
      ['error', TB.join('\n')],
      ['warning', 'WARNING:root:after'],
    ]);
  });

  it("joins logger.exception()'s message line and its traceback; an ERROR line alone stays alone", () => {
    const { entries, s } = collect();
    for (const l of ['ERROR:root:lookup failed', ...TB, 'ERROR:root:just this', 'CRITICAL:root:and this', 'INFO:root:fine']) s.push(l);
    s.end();
    expect(entries).toEqual([
      ['error', ['ERROR:root:lookup failed', ...TB].join('\n')],
      ['error', 'ERROR:root:just this'],
      ['critical', 'CRITICAL:root:and this'],
      ['info', 'INFO:root:fine'],
    ]);
  });

  it('keeps a chained traceback in the same entry', () => {
    const { entries, s } = collect();
    const chained = [...TB, '', 'During handling of the above exception, another exception occurred:', '', ...TB];
    for (const l of [...chained, 'next']) s.push(l);
    s.end();
    expect(entries).toEqual([
      ['error', chained.join('\n')],
      ['info', 'next'],
    ]);
  });

  it('emits a traceback cut short when the stream ends', () => {
    const { entries, s } = collect();
    for (const l of TB.slice(0, 2)) s.push(l);
    expect(entries).toEqual([]);
    s.end();
    expect(entries).toEqual([['error', TB.slice(0, 2).join('\n')]]);
  });

  it('emits a finished traceback after a quiet moment, without waiting for the next line', async () => {
    const entries: string[] = [];
    let done!: () => void;
    const flushed = new Promise<void>((r) => (done = r));
    const s = new StderrEntries((text) => {
      entries.push(text);
      done();
    }, 20);
    for (const l of TB) s.push(l);
    await flushed;
    expect(entries).toEqual([TB.join('\n')]);
  });

  it('bounds a runaway traceback', () => {
    const { entries, s } = collect();
    s.push(TB[0]!);
    for (let i = 0; i < 1000; i++) s.push(`  File "x.py", line ${i}, in f`);
    s.end();
    expect(entries.length).toBeGreaterThan(1);
    expect(Math.max(...entries.map(([, t]) => t.split('\n').length))).toBeLessThanOrEqual(400);
  });
});
