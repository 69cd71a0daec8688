// Exhaustiveness check for switches over unions (message kinds, app states): a new member is a compile error at
// every switch that forgets it. Imports nothing, so the renderer may import it as a value (eslint.config.mjs).
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
