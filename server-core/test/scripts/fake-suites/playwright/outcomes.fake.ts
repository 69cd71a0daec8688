import { expect, test } from '@playwright/test';

test('passes', () => expect(1).toBe(1));
test('is skipped', () => test.skip(true, 'not here'));
test('is skipped elsewhere', () => test.skip(true, '[platform-specific: darwin] uses the macOS keychain'));
test.describe.serial('a story', () => {
  test('first step fails', () => expect(1).toBe(2));
  test('second step did not run', () => expect(1).toBe(1));
});
