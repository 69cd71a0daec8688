// Names that a map key (env var, profile) may not take: a JSON object can carry them as its own keys, but copied
// into a plain object `__proto__` becomes the prototype (the entry silently vanishes, or worse) and the others
// shadow Object's own, which later lookups would find for keys never set.
import { z } from 'zod';

export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

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
