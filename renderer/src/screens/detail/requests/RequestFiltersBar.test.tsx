// The Requests toolbar as a user drives it: toggles, inputs, Clear, pause/resume.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveCounts } from '../../../state/live-counts';
import { EMPTY_FILTERS, type RequestFilters } from '../../../state/request-filters';
import { ServedTally } from '../../../state/served-count';
import { RequestFiltersBar } from './RequestFiltersBar';
import { ServedCount } from './ServedCount';

afterEach(cleanup);

/** A live tally: a metrics sample of `requests`, then `after` counted by the stream. */
function tallyOf(requests: number, after: number): ServedTally {
  const t = new ServedTally();
  t.sample({ requests, time: 2 });
  t.count(after);
  t.settle();
  return t;
}

const NOT_SAMPLED: LiveCounts = { seenPerSec: 0, sentPerSec: 0, sampleOneIn: 1, unshown: 0 };

function Harness({
  onPause = () => {},
  paused = false,
  pending = 0,
  live = NOT_SAMPLED,
  tally = tallyOf(123_000, 456),
}: {
  tally?: ServedTally;
  onPause?: (p: boolean) => void;
  paused?: boolean;
  pending?: number;
  live?: LiveCounts;
}) {
  const [f, setF] = useState<RequestFilters>(EMPTY_FILTERS);
  return (
    <>
      <RequestFiltersBar
        filters={f}
        onChange={setF}
        paused={paused}
        pending={pending}
        onPause={onPause}
        shown={3}
        total={10}
        served={<ServedCount tally={tally} metrics={null} startedAt={1} rowsThisRun={10} />}
        live={live}
      />
      <output data-testid="state">{JSON.stringify(f)}</output>
    </>
  );
}
const state = () => JSON.parse(screen.getByTestId('state').textContent!) as RequestFilters;

describe('RequestFiltersBar', () => {
  it('toggles status classes, sets method, path, minimum duration, search and the time range', () => {
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
    fireEvent.click(screen.getByTestId('time-button'));
    fireEvent.change(screen.getByLabelText('Since'), { target: { value: '2026-12-04T10:00:30' } });
    fireEvent.change(screen.getByLabelText('until'), { target: { value: '2026-12-04T10:05:10' } });
    // jsdom writes the value with milliseconds (Chromium, with step=1, to the second): the filter reads either.
    const seconds = (v: string) => v.replace(/\.000$/, '');
    expect({ ...state(), since: seconds(state().since), until: seconds(state().until) }).toEqual({
      statusClasses: ['5xx'],
      methods: ['POST'],
      path: '/api',
      minDurationMs: 250,
      search: 'abc',
      since: '2026-12-04T10:00:30',
      until: '2026-12-04T10:05:10',
    });
    expect(screen.getByTestId('table-rows').textContent).toBe('3 of 10 rows in the table match');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(state()).toEqual(EMPTY_FILTERS);
    expect(screen.getByTestId('table-rows').textContent).toBe('10 rows in the table');
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

  it('shows requests served (metrics) apart from the rows the table holds, and says when it samples', () => {
    render(<Harness live={{ seenPerSec: 3000, sentPerSec: 1010, sampleOneIn: 3, unshown: 0 }} />);
    expect(screen.getByTestId('served').textContent).toBe('123,456 served · ');
    expect(screen.getByTestId('table-rows').textContent).toBe('10 rows in the table');
    expect(screen.getByTestId('sampled').textContent).toBe('Showing 1 in 3 · 3,000 req/s, 1,010/s shown');
  });

  it('the count served moves with each batch the stream counts, between two metrics samples', () => {
    const tally = tallyOf(0, 0);
    render(<Harness tally={tally} />);
    // The rows held (10) are the floor before anything is counted.
    expect(screen.getByTestId('served').textContent).toBe('10 served · ');
    act(() => {
      tally.count(12);
      tally.settle();
    });
    expect(screen.getByTestId('served').textContent).toBe('12 served · ');
    // A late sample that counts fewer does not take the count back.
    act(() => {
      tally.sample({ requests: 11, time: 3 });
      tally.settle();
    });
    expect(screen.getByTestId('served').textContent).toBe('12 served · ');
  });
});
