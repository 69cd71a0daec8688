// What is in effect for an app and a profile, and where each value came from:
// defaults <- .env <- .env.<profile> (env only) <- app base <- built-in profile <- the app's own profile.
// Also the masking of secret env values for everything the API shows.
import path from 'node:path';
import { SECRET_MASK, type EffectiveSettings, type SettingOrigin } from '../control/contract.js';
import { BUILTIN_PROFILES, BUILTIN_PROFILE_NAMES, isSecretEnvKey, type AppDefinition } from '../config/app-definition.js';
import {
  defaultSettings,
  mergeSettings,
  SETTINGS,
  type AppSettings,
  type PartialAppSettings,
  type SettingKey,
} from '../config/settings.js';
import { findInterpreters } from './detect/interpreter.js';
import { readDotenv } from './dotenv.js';

export interface Resolved {
  /** Unmasked: what the runtime gets. */
  readonly settings: AppSettings;
  readonly origins: Record<SettingKey, SettingOrigin>;
  readonly envOrigins: Record<string, SettingOrigin>;
  readonly secretEnvKeys: string[];
}

export function profileNames(def: AppDefinition): string[] {
  return [...new Set([...BUILTIN_PROFILE_NAMES, ...Object.keys(def.profiles)])];
}

export function hasProfile(def: AppDefinition, profile: string): boolean {
  return profileNames(def).includes(profile);
}

/** Resolves settings; `detectedPython` fills an empty `python` setting. Reads .env files when enabled. */
async function resolveSettings(def: AppDefinition, profile: string, detectedPython?: string | null): Promise<Resolved> {
  const layers: { origin: SettingOrigin; values: PartialAppSettings }[] = [];
  if (def.dotenv) {
    for (const name of ['.env', `.env.${profile}`]) {
      const env = await readDotenv(path.join(def.folder, name));
      if (env) layers.push({ origin: { layer: 'env-file', file: name }, values: { env } });
    }
  }
  const base: PartialAppSettings = { name: def.name, ...def.settings };
  base.chdir = path.resolve(def.folder, def.settings.chdir ?? '.');
  layers.push({ origin: { layer: 'app' }, values: base });
  const builtin = (BUILTIN_PROFILES as Record<string, PartialAppSettings | undefined>)[profile];
  if (builtin) layers.push({ origin: { layer: 'profile', profile, builtin: true }, values: builtin });
  const own = def.profiles[profile];
  if (own) layers.push({ origin: { layer: 'profile', profile, builtin: false }, values: own });

  let settings = defaultSettings();
  const origins = Object.fromEntries(SETTINGS.map((s) => [s.key, { layer: 'default' }])) as Record<SettingKey, SettingOrigin>;
  const envOrigins: Record<string, SettingOrigin> = {};
  for (const { origin, values } of layers) {
    settings = mergeSettings(settings, values);
    for (const [k, v] of Object.entries(values)) if (v !== undefined) origins[k as SettingKey] = origin;
    for (const k of Object.keys(values.env ?? {})) envOrigins[k] = origin;
  }
  if (settings.python === '' && detectedPython) {
    settings = { ...settings, python: detectedPython };
    origins.python = { layer: 'detected', detail: 'project virtualenv' };
  }
  const secretEnvKeys = Object.keys(settings.env).filter((k) => isSecretEnvKey(k, def.secretEnvKeys));
  return { settings, origins, envOrigins, secretEnvKeys };
}

/** resolveSettings with the project's own virtualenv filling an empty `python`. */
export async function resolveForApp(def: AppDefinition, profile: string): Promise<Resolved> {
  let detected: string | null = null;
  if (!def.settings.python && !def.profiles[profile]?.python) {
    detected = (await findInterpreters(def.folder)).find((c) => c.exists && c.source !== 'system' && c.source !== 'pyenv')?.path ?? null;
  }
  return resolveSettings(def, profile, detected);
}

export function toEffective(appId: string, profile: string, r: Resolved): EffectiveSettings {
  return {
    appId,
    profile,
    settings: { ...r.settings, env: maskEnv(r.settings.env, r.secretEnvKeys) },
    origins: r.origins,
    envOrigins: r.envOrigins,
    secretEnvKeys: r.secretEnvKeys,
  };
}

function maskEnv(env: Readonly<Record<string, string>>, secretKeys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secretKeys.includes(k) || isSecretEnvKey(k) ? SECRET_MASK : v]));
}

function maskPartial(s: PartialAppSettings, marked: readonly string[]): PartialAppSettings {
  return s.env
    ? { ...s, env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, isSecretEnvKey(k, marked) ? SECRET_MASK : v])) }
    : s;
}

/** The definition as the API shows it: secret env values masked in base settings and every profile. */
export function maskDefinition(def: AppDefinition): AppDefinition {
  return {
    ...def,
    settings: maskPartial(def.settings, def.secretEnvKeys),
    profiles: Object.fromEntries(Object.entries(def.profiles).map(([k, v]) => [k, maskPartial(v, def.secretEnvKeys)])),
  };
}

/** A value sent back as the mask means "keep what is stored" (so a form round-trip never destroys a secret). */
export function unmaskPartial(incoming: PartialAppSettings, stored: PartialAppSettings | undefined): PartialAppSettings {
  if (!incoming.env) return incoming;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(incoming.env)) {
    if (v === SECRET_MASK) {
      const old = stored?.env?.[k];
      if (old !== undefined) env[k] = old;
    } else env[k] = v;
  }
  return { ...incoming, env };
}
