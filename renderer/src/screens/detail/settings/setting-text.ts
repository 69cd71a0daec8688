// Settings as the form edits them (text, or a boolean for flags) and back to typed values, by kind:
// lists one per line, maps as KEY=VALUE lines, numbers as digits.
import type { SettingSpec } from '../../../api/contract';

export type Draft = string | boolean;

export function toDraft(spec: Pick<SettingSpec, 'kind'>, value: unknown): Draft {
  switch (spec.kind) {
    case 'bool':
      return value === true;
    case 'list':
      return Array.isArray(value) ? value.join('\n') : '';
    case 'map':
      return value && typeof value === 'object'
        ? Object.entries(value as Record<string, string>)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n')
        : '';
    case 'int':
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'string':
      return typeof value === 'string' ? value : '';
  }
}

export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export function fromDraft(spec: Pick<SettingSpec, 'kind'>, draft: Draft): Parsed {
  if (typeof draft === 'boolean') return { ok: true, value: draft };
  const text = draft;
  switch (spec.kind) {
    case 'bool':
      return { ok: true, value: text === 'true' };
    case 'int':
    case 'number': {
      const t = text.trim();
      if (t === '') return { ok: false, error: 'enter a number' };
      const n = Number(t);
      if (!Number.isFinite(n)) return { ok: false, error: 'must be a number' };
      if (spec.kind === 'int' && !Number.isInteger(n)) return { ok: false, error: 'must be a whole number' };
      return { ok: true, value: n };
    }
    case 'list':
      return {
        ok: true,
        value: text
          .split(/\n|,/)
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'map': {
      const out: Record<string, string> = {};
      for (const [i, line] of text.split('\n').entries()) {
        if (!line.trim()) continue;
        const eq = line.indexOf('=');
        if (eq <= 0) return { ok: false, error: `line ${i + 1}: write KEY=VALUE` };
        out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
      return { ok: true, value: out };
    }
    case 'string':
      return { ok: true, value: text };
  }
}

/** A value in effect, shown compactly. */
export function showValue(value: unknown): string {
  if (value === '' || value === null || value === undefined) return '(empty)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'object') {
    const e = Object.entries(value as Record<string, string>);
    return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : '(none)';
  }
  return String(value);
}
