import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Sparkline } from './Sparkline';

afterEach(cleanup);

describe('Sparkline', () => {
  it('draws a dot for a single sample, at the right end and inside the box', () => {
    const { container } = render(<Sparkline values={[3]} label="rate" />);
    const dot = container.querySelector('[data-testid="sparkline-dot"]')!;
    expect(dot).not.toBeNull();
    expect(Number(dot.getAttribute('x1'))).toBeCloseTo(160, 0);
    const y = Number(dot.getAttribute('y1'));
    expect(y).toBeGreaterThanOrEqual(0);
    expect(y).toBeLessThanOrEqual(36);
    expect(container.querySelector('polyline')).toBeNull();
  });
  it('draws a line, not a dot, for two samples, and survives a value that is not a number', () => {
    const { container } = render(<Sparkline values={[1, Number.NaN, 4]} label="rate" />);
    expect(container.querySelector('[data-testid="sparkline-dot"]')).toBeNull();
    expect(container.querySelector('polyline')!.getAttribute('points')).not.toMatch(/NaN/);
  });
});
