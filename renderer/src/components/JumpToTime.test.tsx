// "Jump to" as a user drives it: a time typed (read as a local clock time), then Enter or Go.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JumpToTime } from './JumpToTime';

afterEach(cleanup);

describe('JumpToTime', () => {
  it('asks for the jump with the time as epoch ms (local clock), by Go or Enter; not before a whole time is typed', () => {
    const onJump = vi.fn();
    render(<JumpToTime id="f-jump" onJump={onJump} />);
    const input = screen.getByLabelText('Jump to');
    const go = screen.getByRole('button', { name: 'Go' });
    expect(go).toHaveProperty('disabled', true);
    fireEvent.change(input, { target: { value: '2026-12-04T10:00:30' } });
    expect(go).toHaveProperty('disabled', false);
    fireEvent.click(go);
    expect(onJump).toHaveBeenLastCalledWith(new Date('2026-12-04T10:00:30').getTime());
    fireEvent.change(input, { target: { value: '2026-12-04T10:01' } });
    fireEvent.submit(input.closest('form')!);
    expect(onJump).toHaveBeenLastCalledWith(new Date('2026-12-04T10:01:00').getTime());
    expect(onJump).toHaveBeenCalledTimes(2);
  });
});
