// The desktop app's own command-line options, picked out of Electron's argv (which also carries the
// executable, the app path and Chromium switches, so unknown arguments are ignored rather than refused).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultGantryHome } from '@gantry/server-core';

export interface DesktopArgs {
  /** --gantry-home DIR (or --gantry-home=DIR): config folder for this run; tests pass a temp folder. */
  readonly gantryHome: string | null;
  /** --minimised / --hidden: start in the tray without showing the window (used by start at login). */
  readonly minimised: boolean;
}

export function parseDesktopArgs(argv: readonly string[], cwd: string = process.cwd()): DesktopArgs {
  // strict: false, because Electron's argv is not ours alone: unknown switches and positionals are passed over.
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: {
      'gantry-home': { type: 'string' },
      minimised: { type: 'boolean' },
      minimized: { type: 'boolean' },
      hidden: { type: 'boolean' },
    },
  });
  const home = values['gantry-home'];
  return {
    gantryHome: typeof home === 'string' && home !== '' ? path.resolve(cwd, home) : null,
    minimised: values.minimised === true || values.minimized === true || values.hidden === true,
  };
}

/**
 * Gantry's config folder: --gantry-home, else server-core's rule (GANTRY_HOME, else the platform's usual place),
 * so the desktop app and `gantry ui`/`gantry apps` agree on it. main.ts exports the result as GANTRY_HOME.
 */
export function resolveGantryHome(args: DesktopArgs, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return args.gantryHome ?? defaultGantryHome(env, platform);
}
