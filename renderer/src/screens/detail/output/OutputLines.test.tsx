// The drawer's list of a request's output: each block says which stream it came from.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleOutput } from '../../../test-support/samples';
import { OutputLines } from './OutputLines';

afterEach(cleanup);

describe("a request's output lines", () => {
  it('label each stream: print()s as stdout, the traceback as stderr', () => {
    render(
      <OutputLines
        lines={[
          sampleOutput({ seq: 1, text: 'printed one' }),
          sampleOutput({ seq: 2, text: 'printed two', time: 1_001 }),
          sampleOutput({ seq: 3, source: 'stderr', level: 'error', text: 'Traceback (most recent call last):', time: 1_002 }),
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
