// Exhaustiveness check for switches over contract unions: a new member is a compile error here.
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
