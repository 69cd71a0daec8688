// The settings table's rules (config/rules.ts) are checked two ways: directly by `gantry serve` (no zod) and
// as the zod schemas config/settings.ts builds from them (control API, Host, UI). Both must accept the same
// values and give the same first issue, in the words the CLI prints.
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { checkRule, r } from '../../src/config/rules.js';
import { SETTINGS, appSettingsSchema, defaultSettings, partialSettingsSchema, zodOf } from '../../src/config/settings.js';
import { SETTINGS as TABLE, checkSettings, parseAppSettings, parsePartialSettings } from '../../src/config/settings-table.js';
import { isGantryError } from '../../src/errors.js';

/** How the CLI put a zod issue before the rules checked values themselves. */
function reasonOf(error: z.ZodError): { path: PropertyKey[]; reason: string } {
  const i = error.issues[0] as { code: string; minimum?: number | bigint; maximum?: number | bigint; message: string; path: PropertyKey[] };
  let reason = i.message;
  if (i.code === 'too_small' && i.minimum !== undefined) reason = `must be at least ${String(i.minimum)}`;
  else if (i.code === 'too_big' && i.maximum !== undefined) reason = `must be at most ${String(i.maximum)}`;
  else if (i.code === 'invalid_value') reason = i.message.replace(/^Invalid option: expected one of /, 'must be one of ');
  return { path: i.path, reason };
}

const STRINGS = [
  '',
  'x',
  'app',
  'mod:app',
  'mod.sub:make_app()',
  '1bad',
  'a b',
  '/static',
  '/a b',
  'A_1',
  '9',
  '127.0.0.1:8000',
  '[::1]:80',
  ':8000',
  '8000',
  'host:99999',
  'unix:',
  'unix:/tmp/s',
  'h:',
  'generation',
  'rolling',
  'debug',
  'loud',
  'json',
  'x'.repeat(101),
];
const NUMBERS = [
  0,
  1,
  -1,
  1.5,
  2,
  16,
  17,
  64,
  65,
  512,
  513,
  1024,
  1025,
  8190,
  8191,
  32768,
  32769,
  2 ** 53,
  -(2 ** 53),
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];
const OTHERS: unknown[] = [undefined, null, true, false, [], {}, ['a'], { a: 1 }];

function samples(): unknown[] {
  const lists = [[], ...STRINGS.map((s) => [s]), ['127.0.0.1:1', 'bad host:x'], ['a', ''], [1]];
  const maps = [{}, ...STRINGS.map((s) => ({ [s]: 'v' })), ...STRINGS.map((s) => ({ A: s })), { '/s': 'dir', x: '' }, { A: 1 }];
  return [...STRINGS, ...NUMBERS, ...OTHERS, ...lists, ...maps];
}

describe('settings rules and their zod schemas', () => {
  it('agree on every setting for a corpus of values: valid or not, and the first issue', () => {
    let invalid = 0;
    for (const [i, spec] of TABLE.entries()) {
      const schema = SETTINGS[i]!.schema;
      for (const value of samples()) {
        const mine = checkRule(spec.schema, value);
        const theirs = schema.safeParse(value);
        const label = `${spec.key} ${JSON.stringify(value)}`;
        expect(mine === null, label).toBe(theirs.success);
        if (!theirs.success) {
          invalid++;
          expect({ path: mine!.path, reason: mine!.reason }, label).toEqual(reasonOf(theirs.error));
        }
      }
    }
    expect(invalid).toBeGreaterThan(500);
  });

  it('builds refinements, enums and nested rules', () => {
    const short = r
      .string()
      .min(1)
      .refine((s) => !s.includes(' '), 'must have no spaces');
    for (const v of ['ab', 'a b', '', 3])
      expect(checkRule(short, v)?.reason, String(v)).toBe(
        zodOf(short)
          .safeParse(v)
          .error?.issues[0]?.message.replace(/^Too small.*/, 'must be at least 1'),
      );
    const names = r.array(r.string().max(2)).min(2);
    expect(checkRule(names, ['ab', 'abc'])).toEqual({ path: [1], reason: 'must be at most 2' });
    expect(checkRule(names, ['ab'])).toEqual({ path: [], reason: 'must be at least 2' });
    expect((zodOf(r.enum(['a', 'b'])) as unknown as { options: string[] }).options).toEqual(['a', 'b']);
  });

  it('check whole settings objects as the zod object schemas do', () => {
    const full = defaultSettings();
    expect(checkSettings(full)).toBeNull();
    expect(appSettingsSchema.safeParse(full).success).toBe(true);
    expect(parseAppSettings({ ...full, extra: 1 })).toEqual(full);
    const bad = { ...full, workers: 0 };
    expect(checkSettings(bad)).toEqual({ field: 'workers', reason: 'must be at least 1' });
    expect(appSettingsSchema.safeParse(bad).error?.issues[0]?.path).toEqual(['workers']);
    expect(checkSettings({ ...full, bind: ['ok:1', 'nope:x'] })).toMatchObject({ field: 'bind.1' });
    const { workers: _w, ...missing } = full;
    expect(checkSettings(missing)).toMatchObject({ field: 'workers' });
    expect(appSettingsSchema.safeParse(missing).success).toBe(false);

    expect(parsePartialSettings({ timeout: 5, maxRequests: undefined })).toEqual({ timeout: 5 });
    expect(checkSettings({ nope: 1 }, { partial: true })).toEqual({ field: 'nope', reason: 'is not a setting' });
    expect(partialSettingsSchema.safeParse({ nope: 1 }).success).toBe(false);
    try {
      parsePartialSettings({ threads: -1 });
      expect.unreachable();
    } catch (err) {
      expect(isGantryError(err, 'GANTRY_ERR_INVALID_CONFIG')).toBe(true);
      expect((err as { details: unknown }).details).toEqual({ field: 'threads' });
    }
  });
});
