import { describe, expect, it } from 'vitest';
import { highlightParts, searchMatches, searchPattern } from './output-search';

describe('output search', () => {
  it('matches every word in any case, or a regular expression', () => {
    expect(searchMatches(searchPattern('key MISSING', false), "KeyError: 'missing'")).toBe(true);
    expect(searchMatches(searchPattern('key absent', false), "KeyError: 'missing'")).toBe(false);
    expect(searchMatches(searchPattern('^KeyError: .(miss|gone)', true), "KeyError: 'missing'")).toBe(true);
    expect(searchMatches(searchPattern('^Error', true), "KeyError: 'missing'")).toBe(false);
    expect(searchMatches(searchPattern('a.b', false), 'axb')).toBe(false);
  });

  it('says when an expression does not compile, and hides nothing then', () => {
    const p = searchPattern('(unclosed', true);
    expect(p.kind).toBe('invalid');
    expect(searchMatches(p, 'anything')).toBe(true);
  });

  it('cuts a line into plain and matching parts', () => {
    expect(highlightParts('stock low, stock out', searchPattern('stock', false))).toEqual([
      { text: 'stock', match: true },
      { text: ' low, ', match: false },
      { text: 'stock', match: true },
      { text: ' out', match: false },
    ]);
    expect(highlightParts('abc', searchPattern('x*', true))).toEqual([{ text: 'abc', match: false }]);
    expect(
      highlightParts('id=42 id=7', searchPattern('\\d+', true))
        .filter((p) => p.match)
        .map((p) => p.text),
    ).toEqual(['42', '7']);
  });
});
