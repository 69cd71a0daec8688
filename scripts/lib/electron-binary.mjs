// Decides whether `npm start` can open the Electron window, and why not when it cannot. Pure apart from the
// injected file checks, so main/test/start-script.test.ts covers every branch.
import path from 'node:path';

/**
 * @param {object} o
 * @param {NodeJS.ProcessEnv} o.env
 * @param {NodeJS.Platform} o.platform
 * @param {string | null} o.electronDir  node_modules/electron, or null when the package is not installed
 * @param {(file: string) => boolean} o.exists
 * @param {(file: string) => string | null} o.readText
 * @returns {{ ok: true, binary: string } | { ok: false, reason: string, fetchable: boolean }}
 */
export function electronBinary({ env, platform, electronDir, exists, readText }) {
  if (env.GANTRY_NO_ELECTRON === '1') return { ok: false, reason: 'GANTRY_NO_ELECTRON=1', fetchable: false };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { ok: false, reason: 'headless: neither DISPLAY nor WAYLAND_DISPLAY is set', fetchable: false };
  if (electronDir === null) return { ok: false, reason: 'the electron package is not installed', fetchable: false };
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executableName(platform));
    return exists(bin)
      ? { ok: true, binary: bin }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${executableName(platform)}`, fetchable: false };
  }
  const skip = Boolean(env.ELECTRON_SKIP_BINARY_DOWNLOAD) && env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '0';
  // electron/index.js reads path.txt (written by its install script) and resolves dist/<that>; same here.
  const rel = readText(path.join(electronDir, 'path.txt'));
  if (rel !== null) {
    const bin = path.join(electronDir, 'dist', rel.trim());
    if (exists(bin)) return { ok: true, binary: bin };
  }
  if (skip) return { ok: false, reason: 'the Electron binary was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD is set)', fetchable: false };
  return { ok: false, reason: 'the Electron binary is not downloaded', fetchable: true };
}

/** @param {NodeJS.Platform} platform */
function executableName(platform) {
  if (platform === 'win32') return 'electron.exe';
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}
