// "Time ▾" as a user drives it from the keyboard: it opens on "Since", Escape closes it and gives focus back, the
// closed button names the range in force, and a jump closes the panel.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimePopover } from './TimePopover';
import type { TimeRange } from './TimeRangeFields';

afterEach(cleanup);

function Harness({ onJump }: { onJump?: (t: number) => void }) {
  const [range, setRange] = useState<TimeRange>({ since: '', until: '' });
  return (
    <>
      <TimePopover idPrefix="f" range={range} onChange={setRange} onJump={onJump} />
      <button type="button">elsewhere</button>
    </>
  );
}

describe('TimePopover', () => {
  it('opens on Since, closes on Escape with focus back on the button, which then names the range', () => {
    render(<Harness />);
    const button = screen.getByTestId('time-button');
    expect(button.textContent).toBe('Time ▾');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByLabelText('Since')).toBeNull();
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.getAttribute('aria-controls')).toBe('f-time-panel');
    const since = screen.getByLabelText('Since');
    expect(document.activeElement).toBe(since);
    fireEvent.change(since, { target: { value: '2026-12-04T10:00:30' } });
    fireEvent.keyDown(since, { key: 'Escape' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
    expect(button.textContent).toMatch(/^Since (Dec 4, )?10:00:30 ▾$/);
    expect(button.getAttribute('data-active')).toBe('true');
  });

  it('closes on a click elsewhere, and when a jump is asked for', () => {
    const onJump = vi.fn();
    render(<Harness onJump={onJump} />);
    const button = screen.getByTestId('time-button');
    fireEvent.click(button);
    fireEvent.pointerDown(screen.getByRole('button', { name: 'elsewhere' }));
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(button);
    fireEvent.change(screen.getByLabelText('Jump to'), { target: { value: '2026-12-04T10:00:30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Go' }));
    expect(onJump).toHaveBeenCalledWith(new Date('2026-12-04T10:00:30').getTime());
    expect(button.getAttribute('aria-expanded')).toBe('false');
  });
});
