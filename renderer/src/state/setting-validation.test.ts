// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../server-core/src/control/api-error';
import { fieldOfError, validateSetting } from './setting-validation';

describe('validateSetting', () => {
  it('accepts valid values and explains invalid ones in words', () => {
    expect(validateSetting('workers', 4)).toBeNull();
    expect(validateSetting('workers', 0)).toBe('must be at least 1');
    expect(validateSetting('workers', 9999)).toBe('must be at most 512');
    expect(validateSetting('app', 'hello:application')).toBeNull();
    expect(validateSetting('app', 'not valid!')).toMatch(/MODULE:CALLABLE/);
    expect(validateSetting('bind', ['127.0.0.1:99999'])).toMatch(/HOST:PORT/);
  });
});

describe('fieldOfError', () => {
  const err = (field: string) =>
    new ApiError(400, { code: 'GANTRY_ERR_INVALID_CONFIG', message: 'bad', details: { field, reason: 'r' } }, 'x');
  it('maps API field paths to form fields', () => {
    expect(fieldOfError(err('settings.workers'))).toBe('workers');
    expect(fieldOfError(err('body.settings.bind.0'))).toBe('bind');
    expect(fieldOfError(err('profiles.staging.threads'))).toBe('threads');
    expect(fieldOfError(err('name'))).toBe('name');
    expect(fieldOfError(new Error('x'))).toBeNull();
  });
});
