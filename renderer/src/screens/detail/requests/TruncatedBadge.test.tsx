// The truncated mark as the user sees it in the Requests table row and the drawer's status line.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../../../api/contract';
import { sampleAccess } from '../../../test-support/samples';
import { RequestTable } from './RequestTable';
import { TruncatedBadge } from './TruncatedBadge';

afterEach(cleanup);

// jsdom has no layout: the table's live window only needs ResizeObserver to exist.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver;

const row = (over: Partial<AccessRecord>): AccessRecord => sampleAccess({ path: '/under', ...over });

describe('the truncated mark', () => {
  it('shows only for a truncated response, with why in its title', () => {
    const { rerender } = render(<TruncatedBadge entry={{ truncated: true }} />);
    expect(screen.getByTestId('truncated-badge').textContent).toBe('truncated');
    expect(screen.getByTestId('truncated-badge').getAttribute('title')).toMatch(/incomplete/);
    rerender(<TruncatedBadge entry={{}} />);
    expect(screen.queryByTestId('truncated-badge')).toBeNull();
  });

  it('sits in the status cell of a truncated row, and nowhere else', () => {
    const rows = [row({ seq: 1, requestId: 'cut', truncated: true }), row({ seq: 2, requestId: 'whole' })];
    render(<RequestTable view={{ rows, seqs: [1, 2] } as never} selectedId={null} onOpen={() => {}} emptyText="none" />);
    const cut = document.querySelector('[data-request-id="cut"] .c-status')!;
    expect(cut.textContent).toBe('200truncated');
    expect(document.querySelector('[data-request-id="whole"] .c-status')!.textContent).toBe('200');
  });
});
