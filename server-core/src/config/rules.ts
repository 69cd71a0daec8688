// The value rules of the settings table, written with a small zod-like builder (string/number/boolean/enum/
// array/record with min/max/int/regex/refine) so that `gantry serve` can check its settings without loading
// zod (~12 MB of the gateway's resident memory). config/settings.ts turns each rule into the equivalent zod
// schema for the control API, the Host and the UI; test/config/rules.test.ts checks that both give the same
// first issue for the same value.
//
// Rules are immutable: every method returns a new rule, so a shared base (`positiveInt`) can be refined.

export type Check =
  | { readonly check: 'min' | 'max'; readonly value: number }
  | { readonly check: 'int' }
  | { readonly check: 'regex'; readonly pattern: RegExp; readonly message: string }
  | { readonly check: 'refine'; readonly fn: (value: never) => boolean; readonly message: string };

export type RuleDef =
  | { readonly type: 'string' | 'number' | 'boolean'; readonly checks: readonly Check[] }
  | { readonly type: 'enum'; readonly options: readonly string[] }
  | { readonly type: 'array'; readonly element: Rule; readonly checks: readonly Check[] }
  | { readonly type: 'record'; readonly key: Rule; readonly value: Rule };

/** A rule whose valid values are of type T. */
export class Rule<T = unknown> {
  /** Type only, as zod's `_output`: what the rule accepts. */
  declare readonly _output: T;
  constructor(readonly def: RuleDef) {}
}

export type Infer<R> = R extends Rule<infer T> ? T : never;

export class StringRule extends Rule<string> {
  private with(check: Check): StringRule {
    return new StringRule({ type: 'string', checks: [...(this.def as { checks: readonly Check[] }).checks, check] });
  }
  min(value: number): StringRule {
    return this.with({ check: 'min', value });
  }
  max(value: number): StringRule {
    return this.with({ check: 'max', value });
  }
  regex(pattern: RegExp, message: string): StringRule {
    return this.with({ check: 'regex', pattern, message });
  }
  refine(fn: (value: string) => boolean, message: string): StringRule {
    return this.with({ check: 'refine', fn, message });
  }
}

export class NumberRule extends Rule<number> {
  private with(check: Check): NumberRule {
    return new NumberRule({ type: 'number', checks: [...(this.def as { checks: readonly Check[] }).checks, check] });
  }
  int(): NumberRule {
    return this.with({ check: 'int' });
  }
  min(value: number): NumberRule {
    return this.with({ check: 'min', value });
  }
  max(value: number): NumberRule {
    return this.with({ check: 'max', value });
  }
}

export class ArrayRule<T> extends Rule<T[]> {
  min(value: number): ArrayRule<T> {
    const def = this.def as { element: Rule; checks: readonly Check[] };
    return new ArrayRule<T>({ type: 'array', element: def.element, checks: [...def.checks, { check: 'min', value }] });
  }
}

/** The builder, spelled as zod's `z` so the table reads the same. */
export const r = {
  string: (): StringRule => new StringRule({ type: 'string', checks: [] }),
  number: (): NumberRule => new NumberRule({ type: 'number', checks: [] }),
  boolean: (): Rule<boolean> => new Rule<boolean>({ type: 'boolean', checks: [] }),
  enum: <const O extends readonly [string, ...string[]]>(options: O): Rule<O[number]> => new Rule<O[number]>({ type: 'enum', options }),
  array: <T>(element: Rule<T>): ArrayRule<T> => new ArrayRule<T>({ type: 'array', element, checks: [] }),
  record: <V>(key: Rule<string>, value: Rule<V>): Rule<Record<string, V>> => new Rule<Record<string, V>>({ type: 'record', key, value }),
};

/** The first thing wrong with a value: where (keys and indexes below the rule's own value) and why. */
export interface RuleIssue {
  readonly path: readonly (string | number)[];
  /** In words, as the CLI prints it: "must be at least 1", or the rule's own message. */
  readonly reason: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'Infinity';
  return typeof value;
}

function invalidType(expected: string, value: unknown): RuleIssue {
  return { path: [], reason: `Invalid input: expected ${expected}, received ${typeName(value)}` };
}

function runChecks(checks: readonly Check[], value: unknown, size: number | null): RuleIssue | null {
  for (const c of checks) {
    switch (c.check) {
      case 'min':
        if ((size ?? (value as number)) < c.value) return { path: [], reason: `must be at least ${c.value}` };
        break;
      case 'max':
        if ((size ?? (value as number)) > c.value) return { path: [], reason: `must be at most ${c.value}` };
        break;
      case 'int': {
        const n = value as number;
        if (!Number.isInteger(n)) return { path: [], reason: 'Invalid input: expected int, received number' };
        if (n > MAX_SAFE) return { path: [], reason: `must be at most ${MAX_SAFE}` };
        if (n < -MAX_SAFE) return { path: [], reason: `must be at least ${-MAX_SAFE}` };
        break;
      }
      case 'regex':
        c.pattern.lastIndex = 0;
        if (!c.pattern.test(value as string)) return { path: [], reason: c.message };
        break;
      case 'refine':
        if (!(c.fn as (v: unknown) => boolean)(value)) return { path: [], reason: c.message };
        break;
    }
  }
  return null;
}

function under(key: string | number, issue: RuleIssue | null): RuleIssue | null {
  return issue && { path: [key, ...issue.path], reason: issue.reason };
}

/** The first issue of `value` against `rule` (in zod's order), or null when it is valid. */
export function checkRule(rule: Rule, value: unknown): RuleIssue | null {
  const def = rule.def;
  switch (def.type) {
    case 'string':
      return typeof value === 'string' ? runChecks(def.checks, value, value.length) : invalidType('string', value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? runChecks(def.checks, value, null) : invalidType('number', value);
    case 'boolean':
      return typeof value === 'boolean' ? null : invalidType('boolean', value);
    case 'enum':
      return def.options.includes(value as string)
        ? null
        : { path: [], reason: `must be one of ${def.options.map((o) => JSON.stringify(o)).join('|')}` };
    case 'array': {
      if (!Array.isArray(value)) return invalidType('array', value);
      for (let i = 0; i < value.length; i++) {
        const issue = under(i, checkRule(def.element, value[i]));
        if (issue) return issue;
      }
      return runChecks(def.checks, value, value.length);
    }
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalidType('record', value);
      for (const [k, v] of Object.entries(value)) {
        if (checkRule(def.key, k)) return { path: [k], reason: 'Invalid key in record' };
        const issue = under(k, checkRule(def.value, v));
        if (issue) return issue;
      }
      return null;
    }
  }
}
