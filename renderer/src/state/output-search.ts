// The Output tab's search as a pattern: words (each must appear, any case) or a regular expression, and
// where it matches in a line so the matches can be highlighted.

/** What the search box holds: nothing, a pattern, or a regular expression that does not compile (its message). */
export type SearchPattern =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly re: RegExp; readonly all: readonly RegExp[] }
  | { readonly kind: 'invalid'; readonly message: string };

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function searchPattern(search: string, regex: boolean): SearchPattern {
  if (search.trim() === '') return { kind: 'none' };
  if (regex) {
    try {
      const re = new RegExp(search, 'gi');
      return { kind: 'ok', re, all: [new RegExp(search, 'i')] };
    } catch (e) {
      return { kind: 'invalid', message: e instanceof Error ? e.message : String(e) };
    }
  }
  const terms = search.trim().split(/\s+/).filter(Boolean);
  return { kind: 'ok', re: new RegExp(terms.map(escape).join('|'), 'gi'), all: terms.map((t) => new RegExp(escape(t), 'i')) };
}

/** Does `hay` match: every word, or the expression. An invalid expression matches everything (nothing is hidden). */
export function searchMatches(p: SearchPattern, hay: string): boolean {
  if (p.kind !== 'ok') return true;
  for (const re of p.all) if (!re.test(hay)) return false;
  return true;
}

/** `text` cut into plain and matching parts, in order (an empty match is skipped, so `a*` cannot loop). */
export function highlightParts(text: string, p: SearchPattern): Array<{ readonly text: string; readonly match: boolean }> {
  if (p.kind !== 'ok') return [{ text, match: false }];
  const re = new RegExp(p.re.source, p.re.flags);
  const parts: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (m.index > at) parts.push({ text: text.slice(at, m.index), match: false });
    parts.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), match: false });
  return parts;
}
