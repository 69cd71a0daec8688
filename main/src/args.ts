// The desktop app's own command-line options, picked out of Electron's argv (which also carries the
// executable, the app path and Chromium switches, so unknown arguments are ignored rather than refused).
import path from 'node:path';
import { defaultGantryHome } from '@gantry/server-core';

export interface DesktopArgs {
  /** --gantry-home DIR (or --gantry-home=DIR): config folder for this run; tests pass a temp folder. */
  readonly gantryHome: string | null;
  /** --minimised / --hidden: start in the tray without showing the window (used by start at login). */
  readonly minimised: boolean;
}

export function parseDesktopArgs(argv: readonly string[], cwd: string = process.cwd()): DesktopArgs {
  let gantryHome: string | null = null;
  let minimised = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--gantry-home' && i + 1 < argv.length) gantryHome = argv[++i]!;
    else if (a.startsWith('--gantry-home=')) gantryHome = a.slice('--gantry-home='.length);
    else if (a === '--minimised' || a === '--minimized' || a === '--hidden') minimised = true;
  }
  return { gantryHome: gantryHome ? path.resolve(cwd, gantryHome) : null, minimised };
}

/**
 * Gantry's config folder: --gantry-home, else server-core's rule (GANTRY_HOME, else the platform's usual place),
 * so the desktop app and `gantry ui`/`gantry apps` agree on it. main.ts exports the result as GANTRY_HOME.
 */
export function resolveGantryHome(args: DesktopArgs, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return args.gantryHome ?? defaultGantryHome(env, platform);
}
