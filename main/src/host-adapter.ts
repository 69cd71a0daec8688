// Binds host-port.ts to server-core's public entry (`@gantry/server-core`): creates the Host in process and
// starts the control API on 127.0.0.1 with the install's token. The only file in main/ that imports server-core.
import * as core from '@gantry/server-core';
import type { CreateDesktopCore, DesktopCore } from './host-port.js';

/** Until server-core's public entry exports the Host, fail with a clear message rather than a TypeError. */
export const createDesktopCore: CreateDesktopCore = async (options): Promise<DesktopCore> => {
  const exported = core as unknown as Record<string, unknown>;
  if (typeof exported.createHost !== 'function') {
    throw new Error('@gantry/server-core does not export createHost yet; the desktop app needs the Host (issue 4)');
  }
  throw new Error(`host adapter not bound yet (home ${options.home})`);
};
