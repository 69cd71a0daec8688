// The README's settings reference must be exactly what the settings table generates.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/settings.js';
import { settingsReference, withSettingsReference } from '../../src/docs/settings-reference.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README settings reference', () => {
  it('is up to date with the settings table (run: node scripts/settings-reference.mjs --write)', () => {
    expect(withSettingsReference(readme)).toBe(readme);
  });

  it('lists every setting with each of its flags', () => {
    const table = settingsReference();
    for (const spec of SETTINGS) {
      expect(table).toContain(`\`${spec.key}\``);
      for (const flag of spec.flags) expect(table).toContain(`\`${flag}`);
    }
  });
});
