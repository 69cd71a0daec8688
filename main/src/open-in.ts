// Opening an app's project folder in a terminal or an editor (the app header's buttons in the desktop app).
// Choosing the command is pure (env, platform and a PATH lookup are passed in) so it is tested without spawning;
// `launchDetached` starts it without a shell, so a folder name is never interpreted.
import { spawn } from 'node:child_process';
import { findOnPath } from '@gantry/server-core';

export interface OpenCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

class OpenInError extends Error {
  readonly code = 'GANTRY_ERR_OPEN_IN';
  constructor(message: string) {
    super(message);
    this.name = 'OpenInError';
  }
}

/** Finds an executable on PATH (or checks an absolute one): its full path, or null when there is none. */
export type Which = (name: string) => string | null;

/** Editors that open a folder as a project when given its path, tried in this order when $VISUAL/$EDITOR are unset. */
const KNOWN_EDITORS: readonly string[] = ['code', 'codium', 'cursor', 'zed', 'subl', 'mate', 'kate', 'gedit'];

/** Linux terminals, after Debian's alternatives link: each opens in its working directory. */
const KNOWN_TERMINALS: readonly string[] = [
  'x-terminal-emulator',
  'gnome-terminal',
  'konsole',
  'xfce4-terminal',
  'kitty',
  'alacritty',
  'xterm',
];

/**
 * $VISUAL, then $EDITOR (split on spaces, as git does for simple values like "code -w"), then the first known editor
 * on PATH; on macOS, TextEdit's folder-less fallback is useless, so `open -t` is not used.
 */
export function editorCommand(folder: string, env: NodeJS.ProcessEnv, which: Which): OpenCommand {
  for (const name of ['VISUAL', 'EDITOR'] as const) {
    const words = (env[name] ?? '').trim().split(/\s+/).filter(Boolean);
    const found = words.length > 0 ? which(words[0]!) : null;
    if (found !== null) return { command: found, args: [...words.slice(1), folder], cwd: folder };
  }
  for (const name of KNOWN_EDITORS) {
    const found = which(name);
    if (found !== null) return { command: found, args: [folder], cwd: folder };
  }
  throw new OpenInError(`no editor found: set $VISUAL or $EDITOR, or install one of ${KNOWN_EDITORS.join(', ')}`);
}

/** The platform's default terminal, opened in `folder`. */
export function terminalCommand(folder: string, platform: NodeJS.Platform, which: Which): OpenCommand {
  if (platform === 'darwin') return { command: 'open', args: ['-a', 'Terminal', folder], cwd: folder };
  if (platform === 'win32') {
    const wt = which('wt.exe');
    if (wt !== null) return { command: wt, args: ['-d', folder], cwd: folder };
    return { command: 'cmd.exe', args: ['/c', 'start', '', 'cmd.exe'], cwd: folder };
  }
  for (const name of KNOWN_TERMINALS) {
    const found = which(name);
    if (found !== null) return { command: found, args: [], cwd: folder };
  }
  throw new OpenInError(`no terminal found: install one of ${KNOWN_TERMINALS.join(', ')}`);
}

/** PATH lookup without a shell. */
export function whichOnPath(env: NodeJS.ProcessEnv = process.env): Which {
  return (name) => findOnPath(name, env);
}

/** Starts the command on its own (it outlives Gantry); resolves once it has started, rejects if it could not. */
export function launchDetached(cmd: OpenCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, detached: true, stdio: 'ignore' });
    child.once('error', (err) => reject(new OpenInError(`${cmd.command}: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
