// The Requests toolbar as a user drives it: toggles, inputs, Clear, pause/resume.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_FILTERS, type RequestFilters } from '../../../state/request-filters';
import { RequestFiltersBar } from './RequestFiltersBar';

afterEach(cleanup);

function Harness({ onPause = () => {}, paused = false, pending = 0 }: { onPause?: (p: boolean) => void; paused?: boolean; pending?: number }) {
  const [f, setF] = useState<RequestFilters>(EMPTY_FILTERS);
  return (
    <>
      <RequestFiltersBar filters={f} onChange={setF} paused={paused} pending={pending} onPause={onPause} shown={3} total={10} />
      <output data-testid="state">{JSON.stringify(f)}</output>
    </>
  );
}
const state = () => JSON.parse(screen.getByTestId('state').textContent!) as RequestFilters;

describe('RequestFiltersBar', () => {
  it('toggles status classes, sets method, path, minimum duration and search', () => {
    render(<Harness />);
    const group = screen.getByRole('group', { name: 'Status class' });
    fireEvent.click(group.querySelector('button:nth-child(4)')!); // 4xx
    fireEvent.click(group.querySelector('button:nth-child(5)')!); // 5xx
    expect(state().statusClasses).toEqual(['4xx', '5xx']);
    expect(group.querySelector('button:nth-child(4)')!.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(group.querySelector('button:nth-child(4)')!);
    expect(state().statusClasses).toEqual(['5xx']);
    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'POST' } });
    fireEvent.change(screen.getByLabelText('Path contains'), { target: { value: '/api' } });
    fireEvent.change(screen.getByLabelText('Minimum duration in milliseconds'), { target: { value: '250' } });
    fireEvent.change(screen.getByLabelText('Search requests'), { target: { value: 'abc' } });
    expect(state()).toEqual({ statusClasses: ['5xx'], methods: ['POST'], path: '/api', minDurationMs: 250, search: 'abc' });
    expect(screen.getByTestId('request-count').textContent).toBe('3 of 10');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(state()).toEqual(EMPTY_FILTERS);
    expect(screen.getByTestId('request-count').textContent).toBe('10 requests');
  });

  it('offers Resume with the count of waiting rows while paused', () => {
    const onPause = vi.fn();
    render(<Harness paused pending={42} onPause={onPause} />);
    const b = screen.getByTestId('pause');
    expect(b.textContent).toContain('Resume (42 new)');
    expect(b.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(b);
    expect(onPause).toHaveBeenCalledWith(false);
  });
});
