// Validation messages in the settings form: local ones as you type, the API's beside the field it names.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../../server-core/src/control/api-error';
import { SettingsForm } from './SettingsForm';

afterEach(cleanup);

const row = (key: string) => document.querySelector<HTMLElement>(`[data-setting="${key}"]`)!;

describe('SettingsForm validation display', () => {
  it('shows a local validation message beside the field as it is typed, and blocks saving', async () => {
    const onSave = vi.fn(async () => {});
    render(<SettingsForm layer="dev" values={{ workers: 2, threads: 1 }} secretEnvKeys={[]} effective={null} onSave={onSave} />);
    const input = within(row('workers')).getByLabelText('Workers');
    fireEvent.change(input, { target: { value: '0' } });
    expect(within(row('workers')).getByRole('alert').textContent).toBe('must be at least 1');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain('set-workers-err');
    fireEvent.click(screen.getByRole('button', { name: /Save profile dev/ }));
    await screen.findByText('Fix the fields marked in red first.');
    expect(onSave).not.toHaveBeenCalled();
  });

  it('puts the API’s 400 message beside the field it names', async () => {
    const onSave = vi.fn(async () => {
      throw new ApiError(
        400,
        {
          code: 'GANTRY_ERR_INVALID_CONFIG',
          message: 'profiles.dev.threads: too many threads for this machine',
          details: { field: 'profiles.dev.threads', reason: 'too many threads for this machine' },
        },
        'x',
      );
    });
    render(<SettingsForm layer="dev" values={{ workers: 2, threads: 1 }} secretEnvKeys={[]} effective={null} onSave={onSave} />);
    fireEvent.change(within(row('threads')).getByLabelText('Threads'), { target: { value: '64' } });
    fireEvent.click(screen.getByRole('button', { name: /Save profile dev/ }));
    await waitFor(() => expect(within(row('threads')).getByRole('alert').textContent).toContain('too many threads'));
    expect(onSave).toHaveBeenCalledWith({ workers: 2, threads: 64 }, []);
    expect(within(row('workers')).queryByRole('alert')).toBeNull();
  });

  it('masks secret env values and sends the mask back unchanged', async () => {
    const onSave = vi.fn(async () => {});
    render(
      <SettingsForm
        layer="base"
        values={{ env: { API_TOKEN: '••••', GREETING: 'hi' } }}
        secretEnvKeys={[]}
        effective={null}
        onSave={onSave}
      />,
    );
    const value = screen.getByLabelText('Variable 1 value') as HTMLInputElement;
    expect(value.type).toBe('password');
    expect((screen.getByLabelText('Variable 2 value') as HTMLInputElement).type).toBe('text');
    fireEvent.change(screen.getByLabelText('Variable 2 value'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: /Save settings/ }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave).toHaveBeenCalledWith({ env: { API_TOKEN: '••••', GREETING: 'hello' } }, ['API_TOKEN']);
  });
});
