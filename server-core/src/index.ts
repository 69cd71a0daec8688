export { main } from './cli/main.js';
export { createAppRuntime, type AppRuntimeOptions, type LocalAppRuntime } from './runtime/app-runtime.js';
export type * from './runtime/types.js';
