// Command-line flags, derived from the settings table: gunicorn's spellings, `--flag=value` and
// `--flag value` (and `-w4`), repeatable lists and maps, comma-separated pythonpath / forwarded-allow-ips.
// A bad value is an ArgsError naming the flag and the reason; the caller prints it and exits 2.
// Values are checked with the table's rules (config/rules.ts), not zod: serve never loads zod.
import { checkRule } from '../config/rules.js';
import { SETTINGS, type PartialAppSettings, type TableSpec as SettingSpec } from '../config/settings-table.js';

export class ArgsError extends Error {
  constructor(
    readonly flag: string,
    readonly reason: string,
  ) {
    super(flag === '' ? reason : `${flag}: ${reason}`);
    this.name = 'ArgsError';
  }
}

/** Settings whose list values may also be given comma-separated, as in gunicorn. */
const COMMA_LISTS = new Set(['pythonpath', 'forwardedAllowIps']);

export interface ParsedArgs {
  readonly settings: PartialAppSettings;
  readonly positionals: readonly string[];
  readonly help: boolean;
  readonly version: boolean;
}

function flagTable(): Map<string, SettingSpec> {
  const m = new Map<string, SettingSpec>();
  for (const spec of SETTINGS as readonly SettingSpec[]) for (const f of spec.flags) m.set(f, spec);
  return m;
}

function scalar(spec: SettingSpec, flag: string, text: string): unknown {
  switch (spec.kind) {
    case 'int':
      if (!/^[-+]?\d+$/.test(text.trim())) throw new ArgsError(flag, `must be a whole number, not ${JSON.stringify(text)}`);
      return Number(text);
    case 'number':
      if (text.trim() === '' || !Number.isFinite(Number(text))) throw new ArgsError(flag, `must be a number, not ${JSON.stringify(text)}`);
      return Number(text);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      throw new ArgsError(flag, `must be true or false, not ${JSON.stringify(text)}`);
    default:
      return text;
  }
}

/** Parses `argv` (after the subcommand) into partial settings and positionals; throws ArgsError. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags = flagTable();
  const values: Record<string, unknown> = {};
  const used = new Map<string, string>();
  const positionals: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '-v' || arg === '--version') {
      version = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name = arg;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      name = arg.slice(0, eq);
      inline = arg.slice(eq + 1);
    } else if (!arg.startsWith('--') && arg.length > 2) {
      // -w4, -b127.0.0.1:8000
      name = arg.slice(0, 2);
      inline = arg.slice(2);
    }
    const spec = flags.get(name);
    if (!spec) throw new ArgsError('', `unrecognized argument: ${arg}`);
    let text: string;
    if (spec.kind === 'bool' && inline === undefined) text = 'true';
    else if (inline !== undefined) text = inline;
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ArgsError(name, `expected a value (${spec.metavar ?? 'VALUE'})`);
      text = next;
      i++;
    }
    used.set(spec.key, name);
    if (spec.kind === 'list') {
      const list = (values[spec.key] as string[] | undefined) ?? [];
      const items = COMMA_LISTS.has(spec.key)
        ? text
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : [text];
      list.push(...items);
      values[spec.key] = list;
    } else if (spec.kind === 'map') {
      const at = text.indexOf('=');
      if (at <= 0) throw new ArgsError(name, `must be ${spec.metavar ?? 'KEY=VALUE'}, not ${JSON.stringify(text)}`);
      const map = (values[spec.key] as Record<string, string> | undefined) ?? {};
      map[text.slice(0, at)] = text.slice(at + 1);
      values[spec.key] = map;
    } else {
      values[spec.key] = scalar(spec, name, text);
    }
  }
  for (const [key, value] of Object.entries(values)) {
    const spec = (SETTINGS as readonly SettingSpec[]).find((s) => s.key === key)!;
    const issue = checkRule(spec.schema, value);
    if (issue) throw new ArgsError(used.get(key) ?? key, issue.reason);
  }
  return { settings: values as PartialAppSettings, positionals, help, version };
}
