import { describe, expect, it } from 'vitest';

it('passes', () => expect(1).toBe(1));
it('fails', () => expect(1).toBe(2));
it.skip('is skipped', () => {});
it.todo('is todo');
describe.skipIf(true)('runs elsewhere [platform-specific: win32]', () => {
  it('is skipped on this platform', () => {});
});
