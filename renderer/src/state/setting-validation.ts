// Validation messages for settings, from the same zod schemas the server uses (settings table), plus the
// mapping of an API 400's `details.field` to the form field it is about.
import { SETTINGS, type SettingKey } from '../api/contract';
import { ApiError } from '../../../server-core/src/control/api-error';

export function validateSetting(key: SettingKey, value: unknown): string | null {
  const spec = SETTINGS.find((s) => s.key === key);
  if (!spec) return null;
  const r = spec.schema.safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  if (!issue) return 'invalid value';
  // zod's messages are terse ("Too small: expected number to be >=1"); say it in words for the common ones.
  if (issue.code === 'too_small' && 'minimum' in issue) return `must be at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big' && 'maximum' in issue) return `must be at most ${String(issue.maximum)}`;
  if (issue.code === 'invalid_type') return `must be a ${issue.expected === 'number' ? 'number' : String(issue.expected)}`;
  return issue.message;
}

/**
 * Where an API validation error belongs: "settings.workers" → "workers", "profiles.staging.workers" →
 * "workers" (when editing that profile), "body/settings/bind/0" → "bind", "name" → "name".
 */
export function fieldOfError(e: unknown): string | null {
  if (!(e instanceof ApiError) || !e.field) return null;
  const parts = e.field
    .replace(/^body[./]?/, '')
    .split(/[./[\]]+/)
    .filter(Boolean);
  if (parts[0] === 'settings') return parts[1] ?? null;
  if (parts[0] === 'profiles') return parts[2] ?? null;
  return parts[0] ?? null;
}
