// Where Gantry keeps its state: GANTRY_HOME, else the platform's usual config folder.
import os from 'node:os';
import path from 'node:path';

export function defaultGantryHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GANTRY_HOME) return path.resolve(env.GANTRY_HOME);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Gantry');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Gantry');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'gantry');
}

export const CONFIG_FILE = 'apps.json';
export const LAST_GOOD_SUFFIX = '.last-good';
export const TOKEN_FILE = 'token';
export const RUNTIME_FILE = 'ui.json';
export const LOCK_FILE = 'host.lock';
