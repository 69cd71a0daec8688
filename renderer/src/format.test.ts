// The error-rate tone shared by every place that shows a share of 5xx responses.
import { describe, expect, it } from 'vitest';
import { errorRateTone } from './format';

describe('errorRateTone', () => {
  it('is quiet with no errors or no requests, amber for a few, red from 1 %', () => {
    expect(errorRateTone(null)).toBeNull();
    expect(errorRateTone(0)).toBeNull();
    expect(errorRateTone(0.0004)).toBe('warn'); // shown as "<0.1%": worth a look, not an alarm
    expect(errorRateTone(0.0099)).toBe('warn');
    expect(errorRateTone(0.01)).toBe('err');
    expect(errorRateTone(0.5)).toBe('err');
  });
});
