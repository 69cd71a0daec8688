// Module resolution hooks for the smoke test (see register.mjs).
const here = new URL('.', import.meta.url);

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: new URL('fake-electron.mjs', here).href, shortCircuit: true };
  // The fake itself re-exports a few pure helpers from the real entry.
  const fromFake = context.parentURL === new URL('fake-core.mjs', here).href;
  if (specifier === '@gantry/server-core' && process.env.FAKE_CORE === '1' && !fromFake)
    return { url: new URL('fake-core.mjs', here).href, shortCircuit: true };
  return next(specifier, context);
}
