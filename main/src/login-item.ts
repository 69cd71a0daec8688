// Start at login. macOS and Windows have app.setLoginItemSettings; Linux desktops follow the XDG autostart
// spec (a .desktop file in ~/.config/autostart), which Electron does not write, so we do.
import fs from 'node:fs/promises';
import path from 'node:path';

const AUTOSTART_FILE = 'gantry.desktop';

/** Quotes an argument for a .desktop Exec line (the spec's rules: double quotes, backslash-escape "`$\). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return '"' + arg.replace(/[\\"`$]/g, (c) => '\\' + c) + '"';
}

export function autostartDesktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Gantry',
    'Comment=Host Python WSGI apps on your own machine',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

function autostartDir(env: NodeJS.ProcessEnv, homedir: string): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir, '.config'), 'autostart');
}

/** Writes or removes ~/.config/autostart/gantry.desktop. `command` is the executable and its arguments. */
export async function setLinuxAutostart(
  enabled: boolean,
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  homedir: string,
): Promise<void> {
  const dir = autostartDir(env, homedir);
  const file = path.join(dir, AUTOSTART_FILE);
  if (!enabled) {
    await fs.rm(file, { force: true });
    return;
  }
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, autostartDesktopEntry(command), { mode: 0o644 });
}
