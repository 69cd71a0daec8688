// The status badge component: colour and words per state (green only when running and healthy).
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBadge } from './StatusBadge';

afterEach(cleanup);

describe('StatusBadge', () => {
  it('is green only for a running, healthy app, and says why otherwise', () => {
    const { container, rerender } = render(<StatusBadge state="running" healthy />);
    const badge = () => container.querySelector('[data-testid="app-state"]')!;
    expect(badge().className).toContain('tone-ok');
    expect(badge().textContent).toBe('Running');
    rerender(<StatusBadge state="running" healthy={false} />);
    expect(badge().className).toContain('tone-warn');
    expect(badge().getAttribute('title')).toMatch(/health check/);
    rerender(<StatusBadge state="failed" healthy />);
    expect(badge().className).toContain('tone-err');
    expect(badge().getAttribute('data-state')).toBe('failed');
  });
});
