// The one command line every target runs: `gantry serve` with the profile's effective settings spelled with the
// settings table's flags (so the same line works with gunicorn where gunicorn has the setting), or gunicorn's own
// line plus the list of Gantry-only settings it cannot express. Env values never go on the command line: they go
// to an env file / ConfigMap / Secret, which the process inherits and passes to its workers.
import path from 'node:path';
import { defaultSettings, SETTINGS, type AppSettings, type SettingKey, type TableSpec } from '../config/settings-table.js';

/** Settings gunicorn has with the same meaning (and the same flag), per docs.gunicorn.org/en/stable/settings.html. */
const GUNICORN_KEYS: ReadonlySet<SettingKey> = new Set<SettingKey>([
  'name',
  'chdir',
  'pythonpath',
  'bind',
  'backlog',
  'keepAlive',
  'forwardedAllowIps',
  'workers',
  'threads',
  'timeout',
  'gracefulTimeout',
  'maxRequests',
  'maxRequestsJitter',
  'accessLogfile',
  'accessLogformat',
  'errorLogfile',
  'logLevel',
  'limitRequestLine',
  'limitRequestFields',
  'limitRequestFieldSize',
  'reload',
  'reloadExtraFiles',
]);

/** Never flags here: the entry point is positional and env goes to the env file. */
const NOT_FLAGS: ReadonlySet<SettingKey> = new Set<SettingKey>(['app', 'env']);
/** Always spelled out, even at their default, so the line says where and what it serves. */
const ALWAYS: ReadonlySet<SettingKey> = new Set<SettingKey>(['bind', 'chdir']);

interface UnsupportedSetting {
  readonly key: SettingKey;
  readonly flag: string;
  readonly value: unknown;
}

export interface CommandLine {
  /** Program then arguments. */
  readonly argv: readonly string[];
  /** Non-default settings the chosen server has no flag for (gunicorn only). */
  readonly unsupported: readonly UnsupportedSetting[];
}

function longFlag(spec: TableSpec): string {
  return spec.flags.find((f) => f.startsWith('--')) ?? spec.flags[0]!;
}

/** One setting as flags, or [] when it is at its default (the server's own default is then the same). */
function flagsFor(spec: TableSpec, value: unknown, def: unknown): string[] {
  const key = spec.key as SettingKey;
  if (NOT_FLAGS.has(key) || spec.flags.length === 0) return [];
  if (!ALWAYS.has(key) && JSON.stringify(value) === JSON.stringify(def)) return [];
  if (key === 'python' && value === '') return [];
  const flag = longFlag(spec);
  switch (spec.kind) {
    case 'bool':
      return value === true ? [flag] : [];
    case 'list': {
      const items = value as string[];
      if (key === 'forwardedAllowIps') return [flag, items.join(',')];
      return items.flatMap((v) => [flag, v]);
    }
    case 'map':
      return Object.keys(value as Record<string, string>)
        .sort()
        .flatMap((k) => [flag, `${k}=${(value as Record<string, string>)[k]}`]);
    default:
      return [flag, String(value)];
  }
}

/** `gantry serve …` for these settings; `gantry` is the command's path on the target. */
export function gantryServeLine(s: AppSettings, gantry: readonly string[]): CommandLine {
  const defaults = defaultSettings() as Record<string, unknown>;
  const args: string[] = [];
  for (const spec of SETTINGS as readonly TableSpec[])
    args.push(...flagsFor(spec, (s as Record<string, unknown>)[spec.key], defaults[spec.key]));
  return { argv: [...gantry, 'serve', ...args, s.app], unsupported: [] };
}

/** gunicorn from the same virtualenv as the interpreter (or from PATH), with the settings it shares. */
export function gunicornLine(s: AppSettings): CommandLine {
  const defaults = defaultSettings() as Record<string, unknown>;
  const program = s.python !== '' ? path.join(path.dirname(s.python), 'gunicorn') : 'gunicorn';
  const args: string[] = [];
  const unsupported: UnsupportedSetting[] = [];
  for (const spec of SETTINGS as readonly TableSpec[]) {
    const key = spec.key as SettingKey;
    const value = (s as Record<string, unknown>)[key];
    const flags = flagsFor(spec, value, defaults[key]);
    if (flags.length === 0) continue;
    if (GUNICORN_KEYS.has(key)) args.push(...flags);
    else if (key !== 'python') unsupported.push({ key, flag: longFlag(spec), value });
  }
  // gthread is the worker class that honours --threads; sync ignores it.
  if (s.threads > 1) args.push('--worker-class', 'gthread');
  // gunicorn wants MODULE:CALLABLE; Gantry's default callable is "application" when only MODULE is given.
  const app = s.app.includes(':') ? s.app : `${s.app}:application`;
  return { argv: [program, ...args, app], unsupported };
}

export function commandLine(s: AppSettings, server: 'gantry' | 'gunicorn', gantry: readonly string[]): CommandLine {
  return server === 'gunicorn' ? gunicornLine(s) : gantryServeLine(s, gantry);
}

/** The notes that go with a gunicorn line: what it drops. */
export function unsupportedNotes(cl: CommandLine): string[] {
  const instead: Partial<Record<SettingKey, string>> = {
    static: '; the nginx export serves these folders',
    limitRequestBody: '; the nginx export enforces it (client_max_body_size)',
    headerTimeout: '; the nginx export enforces it (client_header_timeout)',
  };
  return cl.unsupported.map(
    (u) =>
      `gunicorn has no equivalent of Gantry's ${u.flag} (${JSON.stringify(u.value)}): not in the exported command line${instead[u.key] ?? ''}`,
  );
}
