// Argument checks for every IPC channel. The renderer is treated as untrusted input: wrong types, extra
// arguments, oversized strings, non-http(s) URLs and relative paths are refused before anything runs.
import path from 'node:path';
import type { GantryIpcChannel, GantryIpcContract } from './preload-api.js';

export class IpcArgumentError extends Error {
  readonly code = 'GANTRY_ERR_IPC_ARGUMENT';
  constructor(channel: string, reason: string) {
    super(`${channel}: ${reason}`);
    this.name = 'IpcArgumentError';
  }
}

export const LIMITS = { title: 200, body: 1000, url: 2048, path: 4096, appId: 200 } as const;

function arity(channel: string, args: readonly unknown[], n: number): void {
  if (args.length !== n) throw new IpcArgumentError(channel, `expected ${n} argument(s), got ${args.length}`);
}

function text(channel: string, name: string, value: unknown, max: number, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw new IpcArgumentError(channel, `${name} must be a string`);
  if (!allowEmpty && value.length === 0) throw new IpcArgumentError(channel, `${name} must not be empty`);
  if (value.length > max) throw new IpcArgumentError(channel, `${name} is longer than ${max} characters`);
  if (value.includes('\0')) throw new IpcArgumentError(channel, `${name} contains a NUL character`);
  return value;
}

/** Only plain http(s) URLs without credentials leave the app: no file:, javascript:, custom schemes or smb:. */
export function isOpenableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
}

type Validators = { readonly [C in GantryIpcChannel]: (args: readonly unknown[]) => GantryIpcContract[C]['args'] };

export const validators: Validators = {
  'gantry:choose-folder': (args) => {
    arity('gantry:choose-folder', args, 0);
    return [];
  },
  'gantry:notify': (args) => {
    arity('gantry:notify', args, 2);
    return [text('gantry:notify', 'title', args[0], LIMITS.title, false), text('gantry:notify', 'body', args[1], LIMITS.body, true)];
  },
  'gantry:open-external': (args) => {
    arity('gantry:open-external', args, 1);
    const url = text('gantry:open-external', 'url', args[0], LIMITS.url, false);
    if (!isOpenableUrl(url)) throw new IpcArgumentError('gantry:open-external', 'url must be an http(s) URL without credentials');
    return [url];
  },
  'gantry:reveal-file': (args) => {
    arity('gantry:reveal-file', args, 1);
    const p = text('gantry:reveal-file', 'path', args[0], LIMITS.path, false);
    if (!path.isAbsolute(p) && !path.win32.isAbsolute(p)) throw new IpcArgumentError('gantry:reveal-file', 'path must be absolute');
    return [p];
  },
  'gantry:open-terminal': (args) => {
    arity('gantry:open-terminal', args, 1);
    return [text('gantry:open-terminal', 'appId', args[0], LIMITS.appId, false)];
  },
  'gantry:open-editor': (args) => {
    arity('gantry:open-editor', args, 1);
    return [text('gantry:open-editor', 'appId', args[0], LIMITS.appId, false)];
  },
};
