// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { fromDraft, showValue, toDraft } from './setting-text';

describe('setting drafts', () => {
  it('round-trips every kind', () => {
    const cases = [
      [{ kind: 'int' as const }, 4],
      [{ kind: 'number' as const }, 2.5],
      [{ kind: 'bool' as const }, true],
      [{ kind: 'list' as const }, ['127.0.0.1:8000', 'unix:/tmp/s']],
      [{ kind: 'map' as const }, { '/static': 'public', '/m': 'media' }],
      [{ kind: 'string' as const }, 'hello:application'],
    ] as const;
    for (const [spec, value] of cases) {
      const r = fromDraft(spec, toDraft(spec, value));
      expect(r).toEqual({ ok: true, value });
    }
  });

  it('explains bad input', () => {
    expect(fromDraft({ kind: 'int' }, '2.5')).toEqual({ ok: false, error: 'must be a whole number' });
    expect(fromDraft({ kind: 'int' }, 'abc')).toEqual({ ok: false, error: 'must be a number' });
    expect(fromDraft({ kind: 'map' }, 'novalue')).toEqual({ ok: false, error: 'line 1: write KEY=VALUE' });
    expect(fromDraft({ kind: 'list' }, 'a, b\nc')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
  });

  it('shows values compactly', () => {
    expect(showValue([])).toBe('(none)');
    expect(showValue('')).toBe('(empty)');
    expect(showValue({ A: '1' })).toBe('A=1');
  });
});
