export { main } from './cli/main.js';
export { createAppRuntime, type AppRuntimeOptions, type LocalAppRuntime } from './runtime/app-runtime.js';
export type * from './runtime/types.js';
export { createHost, Host, type HostOptions, type RuntimeFactory } from './host/host.js';
export { startControlServer, type ControlServer, type ControlServerOptions } from './control/server.js';
export { defaultGantryHome } from './host/paths.js';
export { readRuntimeFile, writeRuntimeFile, removeRuntimeFile, type RuntimeInfo } from './host/runtime-file.js';
export { detectProject } from './host/detect/index.js';
export type * from './control/contract.js';
