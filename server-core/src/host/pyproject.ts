// `[tool.gantry]` in a project's pyproject.toml: the same keys as the settings table (camelCase, or gunicorn-style
// kebab-case), plus `[tool.gantry.profiles.NAME]` tables. Read on add; written back by "save to project".
// Writing replaces only the [tool.gantry*] sections' text, so the rest of the file (comments included) is kept
// byte for byte; when the TOML spells tool.gantry some other way (inline tables, dotted keys), the whole file is
// re-serialised and its comments are lost — the result says which happened.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import { partialSettingsSchema, type PartialAppSettings } from '../config/settings.js';
import type { SaveToProjectResult } from '../control/contract.js';
import { isSecretEnvKey, profileNameSchema, type AppDefinition } from '../config/app-definition.js';
import { writeFileAtomic } from './atomic-file.js';

export interface PyprojectGantry {
  readonly settings: PartialAppSettings;
  readonly profiles: Record<string, PartialAppSettings>;
  readonly secretEnvKeys: string[];
  /** Problems found (key: reason); invalid keys are left out of settings. */
  readonly errors: string[];
  /** `[project].name`, a default for the app's name. */
  readonly projectName: string | null;
}

const camel = (k: string): string => k.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());

function readTable(table: Record<string, unknown>, where: string, errors: string[]): PartialAppSettings {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(table)) {
    const key = rawKey === 'limit-request-field_size' ? 'limitRequestFieldSize' : camel(rawKey);
    const one = partialSettingsSchema.safeParse({ [key]: value });
    if (one.success) out[key] = (one.data as Record<string, unknown>)[key];
    else errors.push(`${where}.${rawKey}: ${one.error.issues[0]?.message ?? 'invalid'}`);
  }
  return out as PartialAppSettings;
}

/** Null when there is no pyproject.toml or it has no [tool.gantry]. Throws nothing: a parse error is in errors. */
export async function readPyprojectGantry(folder: string): Promise<PyprojectGantry | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, 'pyproject.toml'), 'utf8');
  } catch {
    return null;
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    return {
      settings: {},
      profiles: {},
      secretEnvKeys: [],
      errors: [`pyproject.toml: ${(e as Error).message.split('\n')[0]}`],
      projectName: null,
    };
  }
  const projectName =
    typeof (doc.project as { name?: unknown } | undefined)?.name === 'string' ? (doc.project as { name: string }).name : null;
  const gantry = (doc.tool as Record<string, unknown> | undefined)?.gantry as Record<string, unknown> | undefined;
  if (!gantry || typeof gantry !== 'object') return null;
  const errors: string[] = [];
  const { profiles: rawProfiles, secretEnvKeys: rawSecrets, 'secret-env-keys': rawSecrets2, ...rest } = gantry;
  const settings = readTable(rest, 'tool.gantry', errors);
  const profiles: Record<string, PartialAppSettings> = {};
  if (rawProfiles && typeof rawProfiles === 'object') {
    for (const [name, table] of Object.entries(rawProfiles as Record<string, unknown>)) {
      if (!profileNameSchema.safeParse(name).success || !table || typeof table !== 'object') {
        errors.push(`tool.gantry.profiles.${name}: not a valid profile`);
        continue;
      }
      profiles[name] = readTable(table as Record<string, unknown>, `tool.gantry.profiles.${name}`, errors);
    }
  }
  const secrets = rawSecrets ?? rawSecrets2;
  const secretEnvKeys = Array.isArray(secrets) ? secrets.filter((s): s is string => typeof s === 'string') : [];
  return { settings, profiles, secretEnvKeys, errors, projectName };
}

/** Writes settings (and profiles) under [tool.gantry], keeping the rest of the file. */
export async function writePyprojectGantry(
  folder: string,
  data: { settings: PartialAppSettings; profiles?: Record<string, PartialAppSettings>; secretEnvKeys?: readonly string[] },
): Promise<SaveToProjectResult> {
  const file = path.join(folder, 'pyproject.toml');
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const gantry: Record<string, unknown> = { ...data.settings };
  if (data.secretEnvKeys && data.secretEnvKeys.length > 0) gantry.secretEnvKeys = [...data.secretEnvKeys];
  if (data.profiles && Object.keys(data.profiles).length > 0) gantry.profiles = data.profiles;
  const section = stringify({ tool: { gantry } }).trim() + '\n';

  const spliced = spliceGantrySections(text, section);
  let out = spliced;
  let commentsPreserved = true;
  try {
    const check = parse(spliced) as { tool?: { gantry?: unknown } };
    if (JSON.stringify(check.tool?.gantry) !== JSON.stringify((parse(section) as { tool: { gantry: unknown } }).tool.gantry))
      throw new Error('mismatch');
  } catch {
    // The file spells tool.gantry in a way the text splice cannot handle: re-serialise the whole document.
    const doc = text ? (parse(text) as Record<string, unknown>) : {};
    const tool = (doc.tool ?? {}) as Record<string, unknown>;
    doc.tool = { ...tool, gantry };
    out = stringify(doc) + '\n';
    commentsPreserved = false;
  }
  await writeFileAtomic(file, out, 0o644);
  return { path: file, commentsPreserved };
}

/** Removes every `[tool.gantry]` / `[tool.gantry.*]` section (header to next header) and appends `section`. */
export function spliceGantrySections(text: string, section: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let inGantry = false;
  for (const line of lines) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) inGantry = /^tool\.gantry(\.|$)/.test(header[1]!.replace(/\s+/g, '').replace(/"/g, ''));
    if (!inGantry) kept.push(line);
  }
  let body = kept.join('\n').replace(/\n+$/, '');
  if (body.length > 0) body += '\n\n';
  return body + section;
}

/** "Save to project": the app's settings and profiles, minus what is machine-specific or secret. */
export async function saveDefinitionToProject(def: AppDefinition, includeProfiles = true): Promise<SaveToProjectResult> {
  // pyproject.toml usually goes into version control: secret values stay out of it (they belong in .env).
  const omitted = new Set<string>();
  const scrub = (p: PartialAppSettings): PartialAppSettings => {
    if (!p.env) return p;
    const env = Object.fromEntries(Object.entries(p.env).filter(([k]) => !(isSecretEnvKey(k, def.secretEnvKeys) && omitted.add(k))));
    return { ...p, env };
  };
  // The folder is implied by the file's location; the interpreter path is machine-specific.
  const { chdir: _c, python: _p, ...settings } = scrub(def.settings);
  const profiles = includeProfiles ? Object.fromEntries(Object.entries(def.profiles).map(([k, v]) => [k, scrub(v)])) : {};
  const r = await writePyprojectGantry(def.folder, { settings, profiles, secretEnvKeys: def.secretEnvKeys });
  return { ...r, omittedSecretEnvKeys: [...omitted].sort() };
}
