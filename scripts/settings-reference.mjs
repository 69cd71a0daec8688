#!/usr/bin/env node
// Prints the settings reference generated from server-core's settings table; --write puts it into README.md.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { settingsReference, withSettingsReference } from '../server-core/dist/docs/settings-reference.js';

const readmePath = new URL('../README.md', import.meta.url).pathname;
if (process.argv.includes('--write')) {
  const next = withSettingsReference(readFileSync(readmePath, 'utf8'));
  if (next === null) {
    console.error('README.md has no settings-reference markers');
    process.exit(1);
  }
  writeFileSync(readmePath + '.tmp', next);
  renameSync(readmePath + '.tmp', readmePath);
} else {
  console.log(settingsReference());
}
