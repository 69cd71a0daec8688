// `gantry apps list|add|show|start|stop|restart|launch|remove|logs …`: drives the control API of a running
// `gantry ui`, found through GANTRY_HOME/ui.json (URL and token). Same routes the UI uses; nothing local.
import { parseArgs as parseOptions } from 'node:util';
import path from 'node:path';
import { ApiError, errorMessage } from '../control/api-error.js';
import { createApiClient, type ApiClient } from '../control/client.js';
import type { LaunchProgress, SseEnvelope } from '../control/contract.js';
import { defaultGantryHome } from '../host/paths.js';
import { readRuntimeFile } from '../host/runtime-file.js';
import { ArgsError, parseArgs } from './args.js';

const USAGE = `usage: gantry apps COMMAND [options]   (drives a running \`gantry ui\`)

  list                       every app, its state and URL
  add FOLDER [MODULE:CALLABLE] [SETTINGS…]
                             add a project folder (detects interpreter and entry point);
                             gunicorn-style flags set its settings, e.g. -b 127.0.0.1:9000 -w 2
                             --name NAME  --id ID  --profile P (active)  --no-detect
  show ID                    definition, status and the settings in effect
  start ID [--profile P]     start (default: the app's active profile)
  stop ID
  restart ID [--profile P]
  launch ID [--profile P]    preflight + start + health check (default profile: staging)
  remove ID
  logs ID [--status 5xx] [--path TEXT] [--limit N]   recent requests, newest first

common options: --home DIR (config folder), --json (machine-readable output)
`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

interface Opts {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
  readonly rest: string[];
}

const OWN_OPTIONS = {
  home: { type: 'string' },
  profile: { type: 'string' },
  name: { type: 'string' },
  id: { type: 'string' },
  status: { type: 'string' },
  path: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  'no-detect': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Splits our own flags (node:util's parseArgs) from the rest, which stays in its order for the settings parser of
 * `add` (the table-driven `serve` parser, which knows which of its flags take a value).
 */
export function splitAppsArgs(argv: readonly string[]): Opts {
  const { tokens } = parseOptions({ args: [...argv], options: OWN_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const flags = new Map<string, string | true>();
  const own = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || !(t.name in OWN_OPTIONS)) continue;
    const flag = t.rawName;
    if (OWN_OPTIONS[t.name as keyof typeof OWN_OPTIONS].type === 'string') {
      if (t.value === undefined) throw new CliError(`${flag}: needs a value`, 2);
      flags.set(`--${t.name}`, t.value);
      if (!t.inlineValue) own.add(t.index + 1);
    } else flags.set(flag === '-h' ? '-h' : `--${t.name}`, true);
    own.add(t.index);
  }
  const rest = argv.filter((_, i) => !own.has(i));
  return { positionals: rest.filter((a) => !a.startsWith('-')), flags, rest };
}

/** The API's refusals in the CLI's words: `CODE: message: reason (field: f)`, exit 1. */
async function api<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    throw new CliError(`${e.code === 'NETWORK' ? '' : `${e.code}: `}${errorMessage(e)}${e.field ? ` (field: ${e.field})` : ''}`);
  }
}

/**
 * Follows the event stream, handing each launch progress event of one app to onEvent until it returns true. Resolves
 * once the stream is open, so no progress of a launch started after it is missed.
 */
async function followLaunch(
  client: ApiClient,
  appId: string,
  onEvent: (p: LaunchProgress) => boolean,
): Promise<{ done: Promise<void>; stop(): void }> {
  const ac = new AbortController();
  const messages = await api(() => client.stream({ apps: [appId], types: ['launch'] }, { signal: ac.signal }));
  const done = (async () => {
    try {
      for await (const m of messages) {
        const e = JSON.parse(m.data) as SseEnvelope;
        if (e.type === 'launch' && onEvent(e.data)) break;
      }
    } catch {
      /* aborted */
    }
  })();
  return { done, stop: () => ac.abort() };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function print(json: boolean, data: unknown, text: () => string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : text());
}

async function run(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const o = splitAppsArgs(args);
  if (!command || command === '-h' || command === '--help' || o.flags.has('--help') || o.flags.has('-h')) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const home = (o.flags.get('--home') as string | undefined) ?? defaultGantryHome();
  const info = await readRuntimeFile(home);
  if (!info) throw new CliError(`gantry ui is not running for ${home} (no ${path.join(home, 'ui.json')}); start it with \`gantry ui\``);
  const client = createApiClient(
    { baseUrl: info.url, token: info.token },
    {
      hints: {
        unreachable: `cannot reach gantry ui at ${info.url}: is it still running?`,
        unauthorized: `gantry ui at ${info.url} refused the token in ${path.join(home, 'ui.json')}: is another \`gantry ui\` using this folder?`,
      },
    },
  );
  const json = o.flags.has('--json');
  const profile = o.flags.get('--profile') as string | undefined;
  const id = (): string => {
    const v = o.positionals[0];
    if (!v) throw new CliError(`gantry apps ${command}: which app? (an ID from \`gantry apps list\`)`, 2);
    return v;
  };

  switch (command) {
    case 'list': {
      const { apps } = await api(() => client.call('listApps'));
      print(json, apps, () =>
        apps.length === 0
          ? 'no apps yet: gantry apps add FOLDER\n'
          : table([
              ['ID', 'NAME', 'STATE', 'PROFILE', 'URL'],
              ...apps.map((a) => [
                a.definition.id,
                a.definition.name,
                a.status.state + (a.status.healthy ? '' : a.status.state === 'running' ? ' (unhealthy)' : ''),
                a.status.profile ?? a.definition.activeProfile,
                a.status.urls[0] ?? a.definition.settings.bind?.[0] ?? '',
              ]),
            ]),
      );
      return 0;
    }
    case 'add': {
      let parsed;
      try {
        parsed = parseArgs(o.rest);
      } catch (e) {
        if (e instanceof ArgsError) throw new CliError(e.message, 2);
        throw e;
      }
      const folder = parsed.positionals[0];
      if (!folder) throw new CliError('gantry apps add: which folder?', 2);
      // As in `gantry serve`, MODULE:CALLABLE is positional.
      const settings = parsed.positionals[1] ? { ...parsed.settings, app: parsed.positionals[1] } : parsed.settings;
      const body = {
        folder: path.resolve(folder),
        ...(Object.keys(settings).length > 0 ? { settings } : {}),
        ...(o.flags.has('--name') ? { name: o.flags.get('--name') as string } : {}),
        ...(o.flags.has('--id') ? { id: o.flags.get('--id') as string } : {}),
        ...(profile ? { activeProfile: profile } : {}),
        ...(o.flags.has('--no-detect') ? { detect: false } : {}),
      };
      const r = await api(() => client.call('addApp', { body }));
      print(json, r, () => {
        const lines = [
          `added ${r.app.definition.id} (${r.app.definition.name}): ${r.app.effective.settings.app} on ${r.app.effective.settings.bind.join(' ')}`,
        ];
        const v = r.detection?.verification;
        if (v && !v.ok) lines.push(`warning: the entry point does not import:\n${v.error}`);
        return lines.join('\n') + '\n';
      });
      return 0;
    }
    case 'show': {
      const app = await api(() => client.call('getApp', { params: { id: id() } }));
      print(json, app, () => {
        const e = app.effective;
        const rows = Object.entries(e.settings).map(([k, v]) => [
          k,
          JSON.stringify(v),
          (e.origins as Record<string, { layer: string }>)[k]!.layer,
        ]);
        return (
          `${app.definition.name} (${app.definition.id}) — ${app.status.state}${app.status.urls[0] ? ` at ${app.status.urls[0]}` : ''}\nfolder: ${app.definition.folder}\nprofile: ${e.profile} (profiles: ${app.profiles.join(', ')})\n\n` +
          table([['SETTING', 'VALUE', 'FROM'], ...rows])
        );
      });
      return 0;
    }
    case 'start':
    case 'restart': {
      const s = await api(() => client.call(command, { params: { id: id() }, body: profile ? { profile } : {} }));
      print(json, s, () => `${id()}: ${s.state}${s.urls[0] ? ` at ${s.urls[0]}` : ''}\n`);
      return 0;
    }
    case 'stop': {
      const s = await api(() => client.call('stop', { params: { id: id() } }));
      print(json, s, () => `${id()}: ${s.state}\n`);
      return 0;
    }
    case 'remove': {
      await api(() => client.call('removeApp', { params: { id: id() } }));
      print(json, { ok: true }, () => `removed ${id()}\n`);
      return 0;
    }
    case 'launch': {
      const appId = id();
      const follow = json
        ? null
        : await followLaunch(client, appId, (p) => {
            // Failed and warning steps show their output; a skipped one says why.
            if (p.kind === 'step' && p.status !== 'running')
              process.stdout.write(
                `  ${p.status === 'ok' ? '✓' : p.status === 'skipped' ? '-' : p.status === 'warning' ? '⚠' : '✗'} ${p.step}${(p.status === 'failed' || p.status === 'warning' || p.status === 'skipped') && p.output ? `\n${p.output.replace(/^/gm, '      ')}` : ''}\n`,
              );
            else if (p.kind === 'step' && process.stdout.isTTY) process.stdout.write(`  … ${p.step}\r`);
            return p.kind === 'done';
          });
      const r = await api(() => client.call('launch', { params: { id: appId }, body: { profile: profile ?? 'staging', wait: true } }));
      if (follow) {
        // The answer can overtake the last progress events on the stream; let them print (bounded).
        const grace = setTimeout(() => follow.stop(), 3000);
        await follow.done;
        clearTimeout(grace);
      }
      print(json, r, () =>
        r.state === 'ok' ? `launched ${appId} (${r.profile}): ${r.url}\n` : `launch failed at ${r.failedStep}: ${r.error?.message ?? ''}\n`,
      );
      return r.state === 'ok' ? 0 : 1;
    }
    case 'logs': {
      const limit = Number(o.flags.get('--limit') ?? 50);
      const q = { status: o.flags.get('--status') as string | undefined, path: o.flags.get('--path') as string | undefined, limit };
      const page = await api(() => client.call('access', { params: { id: id() }, query: q }));
      print(json, page.items, () =>
        table([
          ['TIME', 'METHOD', 'PATH', 'STATUS', 'MS', 'REQUEST ID'],
          ...page.items.map((e) => [
            new Date(e.time).toISOString(),
            e.method,
            e.path + (e.query ? `?${e.query}` : ''),
            String(e.status),
            e.durationMs.toFixed(1),
            e.requestId,
          ]),
        ]),
      );
      return 0;
    }
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}\n${USAGE}`, 2);
  }
}

export async function runApps(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`gantry apps: error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
