#!/usr/bin/env node
// Packs Gantry for Linux as an unpacked folder with a stand-in Electron binary, to check what the installers
// would contain (asar contents, extraResources) on a machine that cannot download Electron. The result does
// not run; its files are the real ones. Usage: node scripts/dry-pack.mjs [OUTPUT_DIR]  (after building).
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'main', 'package.json'));
const builder = require('electron-builder');
const yaml = createRequire(require.resolve('electron-builder/package.json'))('js-yaml');

const out = path.resolve(process.argv[2] ?? path.join(os.tmpdir(), 'gantry-dry-pack'));
const standIn = mkdtempSync(path.join(os.tmpdir(), 'gantry-electron-stand-in-'));
writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho "stand-in Electron: this dry pack does not run"\n');
chmodSync(path.join(standIn, 'electron'), 0o755);
writeFileSync(path.join(standIn, 'LICENSE'), '');

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));
delete config.electronFuses; // fuses are flipped inside the real binary, which a stand-in does not have
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;

// A config file of its own (an object would be merged over electron-builder.yml, fuses included).
const configFile = path.join(standIn, 'electron-builder.dry.json');
writeFileSync(
  configFile,
  JSON.stringify({ ...config, electronDist: standIn, electronVersion, directories: { ...config.directories, output: out } }),
);
await builder.build({ projectDir: root, targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64), config: configFile });
process.stdout.write(`dry pack: ${path.join(out, 'linux-unpacked')}\n`);
