// Building and validating app definitions: from an add request (+ detection + [tool.gantry]), from an update,
// and the checks that make a definition acceptable (valid settings per profile, no port claimed twice).
import path from 'node:path';
import type { z } from 'zod';
import {
  appSettingsSchema,
  defaultSettings,
  mergeSettings,
  parseBind,
  type AppSettings,
  type PartialAppSettings,
} from '../config/settings.js';
import { crossSettingProblem } from '../config/settings-table.js';
import type { UpdateAppBody } from '../control/contract.js';
import { appDefinitionSchema, BUILTIN_PROFILES, type AppDefinition } from '../config/app-definition.js';
import { GantryError } from '../errors.js';
import { unmaskPartial } from './effective.js';

/** The first zod issue as GANTRY_ERR_INVALID_CONFIG naming the field. */
export function invalid(error: z.ZodError, prefix = ''): GantryError {
  const issue = error.issues[0]!;
  // An unknown key is named itself, not its parent object.
  const extra = issue.code === 'unrecognized_keys' ? [String(issue.keys[0])] : [];
  const field = [prefix, ...issue.path.map(String), ...extra].filter((p) => p !== '').join('.');
  return new GantryError('GANTRY_ERR_INVALID_CONFIG', `${field || 'body'}: ${issue.message}`, {
    field: field || 'body',
    reason: issue.message,
  });
}

export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return s || 'app';
}

export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Settings of a profile without reading files (no .env): enough for binds and validation. */
export function staticSettings(def: AppDefinition, profile: string): AppSettings {
  const builtin = (BUILTIN_PROFILES as Record<string, PartialAppSettings | undefined>)[profile] ?? {};
  return mergeSettings(
    defaultSettings(),
    { chdir: path.resolve(def.folder, def.settings.chdir ?? '.') },
    def.settings,
    builtin,
    def.profiles[profile] ?? {},
  );
}

export function tcpPorts(settings: AppSettings): number[] {
  const out: number[] = [];
  for (const b of settings.bind) {
    const p = parseBind(b);
    if (p?.kind === 'tcp' && p.port !== 0) out.push(p.port);
  }
  return out;
}

/** Validates the definition and the fully merged settings of every profile it has. */
export function validateDefinition(def: AppDefinition): AppDefinition {
  const parsed = appDefinitionSchema.safeParse(def);
  if (!parsed.success) throw invalid(parsed.error);
  const profiles = new Set(['dev', 'staging', ...Object.keys(def.profiles)]);
  if (!profiles.has(def.activeProfile)) {
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `activeProfile: no profile named ${def.activeProfile}`, {
      field: 'activeProfile',
      reason: `no profile named ${def.activeProfile}`,
    });
  }
  for (const p of profiles) {
    const full = appSettingsSchema.safeParse(staticSettings(def, p));
    const prefix = def.profiles[p] ? `profiles.${p}` : 'settings';
    if (!full.success) throw invalid(full.error, prefix);
    const cross = crossSettingProblem(full.data);
    if (cross)
      throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `${prefix}.${cross.field}: ${cross.reason}`, {
        field: `${prefix}.${cross.field}`,
        reason: cross.reason,
      });
  }
  return parsed.data;
}

/** Throws GANTRY_ERR_PORT_IN_USE when the active profile's ports are claimed by another app's active profile. */
export function checkPortClaims(def: AppDefinition, others: readonly AppDefinition[]): void {
  const mine = tcpPorts(staticSettings(def, def.activeProfile));
  for (const o of others) {
    if (o.id === def.id) continue;
    const theirs = new Set(tcpPorts(staticSettings(o, o.activeProfile)));
    const clash = mine.find((p) => theirs.has(p));
    if (clash !== undefined) {
      throw new GantryError('GANTRY_ERR_PORT_IN_USE', `port ${clash} is already claimed by app "${o.name}"`, {
        field: 'settings.bind',
        reason: `port ${clash} is claimed by ${o.id}`,
        port: clash,
        claimedBy: o.id,
      });
    }
  }
}

export function claimedPorts(defs: readonly AppDefinition[], exceptId?: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const d of defs) if (d.id !== exceptId) for (const p of tcpPorts(staticSettings(d, d.activeProfile))) m.set(p, d.id);
  return m;
}

/** Applies an update: fields present replace the stored ones; masked secrets sent back keep their stored values. */
export function applyUpdate(def: AppDefinition, body: UpdateAppBody, now = Date.now()): AppDefinition {
  const next: AppDefinition = { ...def, updatedAt: now };
  if (body.name !== undefined) next.name = body.name;
  if (body.folder !== undefined) next.folder = path.resolve(body.folder);
  if (body.settings !== undefined) next.settings = unmaskPartial(body.settings, def.settings);
  if (body.profiles !== undefined) {
    next.profiles = Object.fromEntries(Object.entries(body.profiles).map(([k, v]) => [k, unmaskPartial(v, def.profiles[k])]));
  }
  if (body.activeProfile !== undefined) next.activeProfile = body.activeProfile;
  if (body.secretEnvKeys !== undefined) next.secretEnvKeys = body.secretEnvKeys;
  if (body.dotenv !== undefined) next.dotenv = body.dotenv;
  return next;
}

/** Merges partial settings the way the app's layers do (maps merge, others replace). */
export function mergePartial(...layers: readonly (PartialAppSettings | undefined)[]): PartialAppSettings {
  const out: Record<string, unknown> = {};
  for (const l of layers) {
    if (!l) continue;
    for (const [k, v] of Object.entries(l)) {
      if (v === undefined) continue;
      out[k] = (k === 'env' || k === 'static') && out[k] ? { ...(out[k] as object), ...(v as object) } : v;
    }
  }
  return out as PartialAppSettings;
}
