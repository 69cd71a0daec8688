// The settings table (config/settings-table.ts) with a zod schema for every setting, built from its rule:
// what the control API, the Host, the UI's forms and the docs import. `gantry serve` imports the table
// itself and never loads zod (see docs/performance.md, "Memory").
import { z } from 'zod';
import type { Check, Infer, Rule } from './rules.js';
import { SETTINGS as TABLE, entryPointRule, type SettingKey, type TableSpec } from './settings-table.js';

export { DEFAULT_ACCESS_LOG_FORMAT, defaultSettings, formatBind, mergeSettings, parseBind, settingApplies } from './settings-table.js';
export type { AppSettings, Bind, PartialAppSettings, SettingApplies, SettingKey } from './settings-table.js';

/** One row of the settings table, its rule as a zod schema. */
export interface SettingSpec<S extends z.ZodType = z.ZodType> extends Omit<TableSpec, 'schema' | 'default'> {
  readonly schema: S;
  readonly default: z.infer<S>;
}

function withChecks<S extends z.ZodString | z.ZodNumber | z.ZodArray<z.ZodType>>(schema: S, checks: readonly Check[]): S {
  let s = schema as z.ZodType;
  for (const c of checks) {
    switch (c.check) {
      case 'min':
        s = (s as z.ZodString).min(c.value);
        break;
      case 'max':
        s = (s as z.ZodString).max(c.value);
        break;
      case 'int':
        s = (s as z.ZodNumber).int();
        break;
      case 'regex':
        s = (s as z.ZodString).regex(c.pattern, c.message);
        break;
      case 'refine':
        s = s.refine(c.fn as (v: unknown) => boolean, { message: c.message });
        break;
    }
  }
  return s as S;
}

/** The zod schema that accepts exactly what `rule` accepts, with the same messages. */
export function zodOf<R extends Rule>(rule: R): z.ZodType<Infer<R>> {
  const def = rule.def;
  switch (def.type) {
    case 'string':
      return withChecks(z.string(), def.checks) as z.ZodType as z.ZodType<Infer<R>>;
    case 'number':
      return withChecks(z.number(), def.checks) as z.ZodType as z.ZodType<Infer<R>>;
    case 'boolean':
      return z.boolean() as z.ZodType as z.ZodType<Infer<R>>;
    case 'enum':
      return z.enum(def.options as [string, ...string[]]) as z.ZodType as z.ZodType<Infer<R>>;
    case 'array':
      return withChecks(z.array(zodOf(def.element)), def.checks) as z.ZodType as z.ZodType<Infer<R>>;
    case 'record':
      return withoutReservedKeys(z.record(zodOf(def.key) as z.ZodType<string>, zodOf(def.value))) as z.ZodType as z.ZodType<Infer<R>>;
  }
}

type Table = typeof TABLE;
type Zodded<T> = T extends { readonly schema: infer R extends Rule }
  ? Omit<T, 'schema' | 'default'> & { readonly schema: z.ZodType<Infer<R>>; readonly default: Infer<R> }
  : never;

type ZoddedTable<T extends readonly unknown[]> = { readonly [I in keyof T]: Zodded<T[I]> };

/** The settings table, each rule as its zod schema. */
export const SETTINGS = TABLE.map((spec) => ({ ...spec, schema: zodOf(spec.schema) })) as unknown as ZoddedTable<Table>;

/** A setting's row, its schema in zod. */
export function settingSpec<K extends SettingKey>(key: K): Extract<(typeof SETTINGS)[number], { key: K }> {
  const spec = SETTINGS.find((s) => s.key === key);
  if (!spec) throw new Error(`unknown setting ${key}`);
  return spec as Extract<(typeof SETTINGS)[number], { key: K }>;
}

export const entryPointSchema = zodOf(entryPointRule);

/** Zod schema of a full settings object, built from the table. */
export const appSettingsSchema = z.object(
  Object.fromEntries(SETTINGS.map((s) => [s.key, s.schema])) as { [S in Table[number] as S['key']]: z.ZodType<Infer<S['schema']>> },
);

/** Zod schema of a partial settings object (profiles, pyproject, CLI overrides): unknown keys refused. */
export const partialSettingsSchema = appSettingsSchema.partial().strict();

// ---------------------------------------------------------------------------------------------------------------
// Names that a map key (env var, profile) may not take: a JSON object can carry them as its own keys, but copied
// into a plain object `__proto__` becomes the prototype (the entry silently vanishes, or worse) and the others
// shadow Object's own, which later lookups would find for keys never set. Here (not in a module of their own)
// because the contract may import only zod and this file at run time (it runs in the browser too).
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const RESERVED_KEY_REASON = 'is a reserved name (__proto__, constructor, prototype)';

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/**
 * A record schema that refuses reserved keys, naming the key. Checked on the input: zod's record skips an own
 * `__proto__` key without a word, so the check must come before it.
 */
export function withoutReservedKeys<S extends z.ZodType>(record: S): S {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (value === null || typeof value !== 'object') return;
      for (const key of Object.keys(value)) {
        if (isReservedKey(key)) ctx.addIssue({ code: 'custom', path: [key], message: RESERVED_KEY_REASON });
      }
    })
    .pipe(record) as unknown as S;
}
