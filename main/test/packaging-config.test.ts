// electron-builder.yml is valid for the installed electron-builder, and its layout agrees with where the
// packaged app looks for things (resource-paths.ts). Packaging itself needs the Electron download, so this
// checks the configuration, not installers.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourcePaths } from '../src/resource-paths.js';

const root = path.resolve(import.meta.dirname, '..', '..');
// electron-builder's own config loader pieces (dependencies of the electron-builder devDependency).
const requireFromBuilder = createRequire(createRequire(path.join(root, 'main', 'package.json')).resolve('electron-builder/package.json'));
const yaml = requireFromBuilder('js-yaml') as { load(text: string): any };
const { validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(c: unknown, log: unknown): Promise<void>;
};
const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds AppImage + deb, dmg and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.publish).toBeNull();
  });

  it('packs the main/ workspace, whose package.json starts dist/main.js', () => {
    expect(config.directories.app).toBe('main');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'main', 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main.js');
    expect(config.extraMetadata.main).toBe('dist/main.js');
    expect(pkg.dependencies).toHaveProperty('@gantry/server-core');
  });

  it('ships the worker, the renderer and the icons outside the asar, where resource-paths.ts looks', () => {
    const packaged = resourcePaths('/R/app.asar/dist', true, '/R');
    const to = Object.fromEntries(config.extraResources.map((r: { from: string; to: string }) => [r.from, path.join('/R', r.to)]));
    expect(to.app).toBe(packaged.workerDir);
    expect(to['renderer/dist']).toBe(packaged.rendererDir);
    expect(to['build/icons']).toBe(packaged.iconsDir);
    expect(config.asarUnpack).toBeUndefined();
  });

  it('points at icons that exist', () => {
    expect(fs.existsSync(path.join(root, config.mac.icon))).toBe(true);
    expect(fs.existsSync(path.join(root, config.win.icon))).toBe(true);
    const linux = fs.readdirSync(path.join(root, config.linux.icon));
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(linux).toContain(`${size}x${size}.png`);
  });

  it('hardens the packaged binary with fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
