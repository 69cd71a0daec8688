// The drawer's list of a request's output: each block says which stream it came from.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../../api/contract';
import { OutputLines } from './OutputLines';

afterEach(cleanup);

const line = (over: Partial<OutputRecord>): OutputRecord => ({
  seq: 1,
  time: 1_000,
  app: 'a',
  source: 'stdout',
  level: 'info',
  workerId: 1,
  workerPid: 42,
  requestId: 'r1',
  text: 'x',
  ...over,
});

describe("a request's output lines", () => {
  it('label each stream: print()s as stdout, the traceback as stderr', () => {
    render(
      <OutputLines
        lines={[
          line({ seq: 1, text: 'printed one' }),
          line({ seq: 2, text: 'printed two', time: 1_001 }),
          line({ seq: 3, source: 'stderr', level: 'error', text: 'Traceback (most recent call last):', time: 1_002 }),
        ]}
      />,
    );
    const rows = [...document.querySelectorAll('.out-line')];
    expect(
      rows.map((r) => [r.querySelector('[data-testid="out-stream"]')!.textContent, r.querySelector('.out-text')!.textContent]),
    ).toEqual([
      ['stdout', 'printed one'],
      // The second print() continues the first block (same stream, written together): its label is the block's.
      ['', 'printed two'],
      ['stderr', 'Traceback (most recent call last):'],
    ]);
    expect(screen.getAllByTestId('out-stream')).toHaveLength(3);
  });
});
