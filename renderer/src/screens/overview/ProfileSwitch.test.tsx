// The profile list: a change on a stopped app switches at once; on a running app it only proposes, and nothing
// happens until the confirmation (or Escape takes it back).
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProfileSwitch } from './ProfileSwitch';

afterEach(cleanup);

function show(running: boolean) {
  const onChange = vi.fn();
  render(
    <ProfileSwitch appName="Site" profiles={['dev', 'staging', 'qa']} value="dev" running={running} workers={3} onChange={onChange} />,
  );
  return { onChange, select: screen.getByLabelText('Profile for Site') as HTMLSelectElement };
}

describe('ProfileSwitch', () => {
  it('switches a stopped app at once', () => {
    const { onChange, select } = show(false);
    fireEvent.change(select, { target: { value: 'staging' } });
    expect(onChange).toHaveBeenCalledWith('staging');
    expect(screen.queryByTestId('profile-confirm')).toBeNull();
  });

  it('on a running app, each change only proposes; the confirmation names what restarts', () => {
    const { onChange, select } = show(true);
    fireEvent.change(select, { target: { value: 'staging' } });
    fireEvent.change(select, { target: { value: 'qa' } });
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId('profile-confirm').textContent).toContain('Switching restarts Site: its 3 workers stop');
    fireEvent.click(screen.getByRole('button', { name: 'Restart with qa' }));
    expect(onChange).toHaveBeenCalledExactlyOnceWith('qa');
    expect(screen.queryByTestId('profile-confirm')).toBeNull();
  });

  it('Escape and Cancel take the proposal back', () => {
    const { onChange, select } = show(true);
    fireEvent.change(select, { target: { value: 'staging' } });
    fireEvent.keyDown(select, { key: 'Escape' });
    expect(screen.queryByTestId('profile-confirm')).toBeNull();
    expect(select.value).toBe('dev');
    fireEvent.change(select, { target: { value: 'staging' } });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(select.value).toBe('dev');
    expect(onChange).not.toHaveBeenCalled();
  });
});
