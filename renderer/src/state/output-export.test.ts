import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../api/contract';
import { sampleOutput } from '../test-support/samples';
import { outputLogText } from './output-export';

const line = (over: Partial<OutputRecord>): OutputRecord =>
  sampleOutput({ time: Date.UTC(2026, 11, 4, 20, 31, 53, 518), workerPid: 4121, requestId: 'r-1', text: 'printed', ...over });

describe('outputLogText', () => {
  it('writes each line with its time, level, stream, worker and request', () => {
    expect(
      outputLogText([line({}), line({ source: 'gantry', workerId: null, workerPid: null, requestId: null, text: 'Booting worker' })]),
    ).toBe(
      '2026-12-04T20:31:53.518Z [INFO] stdout [worker 1 pid 4121] [r-1] printed\n2026-12-04T20:31:53.518Z [INFO] gantry Booting worker\n',
    );
  });
  it('repeats the prefix on every line of a grouped traceback, so grep finds all of it', () => {
    const text = outputLogText([
      line({ source: 'stderr', level: 'error', text: 'Traceback (most recent call last):\n  File "app.py"\nKeyError: 1' }),
    ]);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .every((l) => l.includes('[ERROR] stderr [worker 1 pid 4121] [r-1] ')),
    ).toBe(true);
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
  });
  it('is empty for no lines', () => {
    expect(outputLogText([])).toBe('');
  });
});
