// The config format: what `apps.json` in GANTRY_HOME holds (one document of app definitions), the names it uses
// (app ids, profile and env names), the built-in profiles and which env values count as secret. The Host reads and
// writes it (host/config-store.ts, host/definitions.ts); the control API carries definitions, so the contract
// re-exports what the renderer needs. Bundled into the browser: runtime imports are zod and settings.ts only.
import { z } from 'zod';
import { isReservedKey, partialSettingsSchema, RESERVED_KEY_REASON, withoutReservedKeys, type PartialAppSettings } from './settings.js';

// ---------------------------------------------------------------------------------------------------------------
// Names

export const appIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (max 63)');
export const profileNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must start with a letter: lowercase letters, digits, _ and - (max 32)')
  .refine((k) => !isReservedKey(k), RESERVED_KEY_REASON);
export const envNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name')
  .refine((k) => !isReservedKey(k), RESERVED_KEY_REASON);

/** Env names treated as secret even when not marked. */
const SECRET_NAME_PATTERN = /SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL/i;

export function isSecretEnvKey(name: string, marked: readonly string[] = []): boolean {
  return marked.includes(name) || SECRET_NAME_PATTERN.test(name);
}

/** The profiles every app has. An app's stored profile of the same name overrides these (per key). */
export const BUILTIN_PROFILES: Readonly<Record<'dev' | 'staging', PartialAppSettings>> = {
  // dev leaves env alone: debug switches are the project's own business (its .env); staging turns the usual ones off.
  dev: { reload: true, workers: 1, threads: 1 },
  staging: {
    reload: false,
    workers: 4,
    threads: 2,
    logLevel: 'warning',
    env: { DEBUG: '0', FLASK_DEBUG: '0', DJANGO_DEBUG: 'False', FLASK_ENV: 'production' },
  },
};
export const BUILTIN_PROFILE_NAMES = ['dev', 'staging'] as const;

// ---------------------------------------------------------------------------------------------------------------
// App definitions (what is saved) and the config document

export const appDefinitionSchema = z.strictObject({
  id: appIdSchema,
  name: z.string().min(1).max(100),
  /** Absolute path of the project folder. */
  folder: z.string().min(1),
  /** The app's base settings: overrides of the defaults. `chdir` defaults to `folder`. */
  settings: partialSettingsSchema,
  /** Per-profile overrides of the base settings. `dev` and `staging` exist even when absent here. */
  profiles: withoutReservedKeys(z.record(profileNameSchema, partialSettingsSchema)),
  activeProfile: profileNameSchema,
  /** Env names to mask besides those matching SECRET_NAME_PATTERN. */
  secretEnvKeys: z.array(envNameSchema),
  /** Read `.env` and `.env.<profile>` from the project folder. */
  dotenv: z.boolean(),
  /** Where the definition came from first. */
  origin: z.enum(['user', 'pyproject', 'demo']),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type AppDefinition = z.infer<typeof appDefinitionSchema>;

export const CONFIG_SCHEMA_VERSION = 1;
export const configDocumentSchema = z.strictObject({
  schemaVersion: z.literal(CONFIG_SCHEMA_VERSION),
  /** Set once the demo app has been offered, so removing it sticks. */
  demoOffered: z.boolean(),
  apps: z.array(appDefinitionSchema),
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;
