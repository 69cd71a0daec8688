// `gantry export APP --to TARGET`: an app's profile as files a server runs (systemd + nginx, Dockerfile,
// Compose, Kubernetes). APP is a project folder (its [tool.gantry], read here) or the id of an app of a running
// `gantry ui` (asked through its control API, so the worker memory it measured sizes the Kubernetes pods).
import path from 'node:path';
import {
  buildPath,
  EXPORT_TARGETS,
  exportBodySchema,
  ROUTES,
  type ExportBody,
  type ExportResult,
  type ExportTarget,
} from '../control/contract.js';
import { exportApp, writeExport } from '../export/index.js';
import { DEFAULT_EXPORT_PROFILE, inputFromFolder } from '../export/source.js';
import { isFolder } from '../config/folder-check.js';
import { isGantryError } from '../errors.js';
import { defaultGantryHome } from '../host/paths.js';
import { readRuntimeFile } from '../host/runtime-file.js';

const USAGE = `usage: gantry export APP --to TARGET [options]

  APP                   a project folder (with [tool.gantry] in pyproject.toml, or detected),
                        or the id of an app in a running \`gantry ui\` (see \`gantry apps list\`)
  --to TARGET           ${EXPORT_TARGETS.join(' | ')}
  --profile P           the profile whose effective settings are exported (default: ${DEFAULT_EXPORT_PROFILE})
  -o, --output DIR      write the files there (default: print them)
  --server S            gantry (default) or gunicorn: the process manager on the command line
  --include-secrets     put secret env values in the env file / Secret (default: placeholders)

  deployment choices (defaults in docs/deploy.md):
  --user NAME           systemd User= (default gantry)
  --nginx-group GROUP   nginx's group, for a Unix-socket bind (default www-data)
  --gantry-bin PATH     the gantry command on the server (default /usr/local/bin/gantry)
  --listen ADDR         nginx listen (default 80)      --server-name NAMES   nginx server_name (default _)
  --image REF           container image                --replicas N          Kubernetes pods (default 2)
  --ingress-host HOST   add a Kubernetes Ingress       --port N / --metrics-port N   container ports (8000 / 9100)
  --home DIR            gantry ui's config folder, for an app id
  --json                print the result as JSON
`;

class UsageError extends Error {}

const VALUE = new Map<string, string>([
  ['--to', 'target'],
  ['--profile', 'profile'],
  ['-o', 'output'],
  ['--output', 'output'],
  ['--server', 'server'],
  ['--home', 'home'],
  ['--user', 'user'],
  ['--nginx-group', 'nginxGroup'],
  ['--gantry-bin', 'gantryCommand'],
  ['--listen', 'nginxListen'],
  ['--server-name', 'serverName'],
  ['--image', 'image'],
  ['--replicas', 'replicas'],
  ['--ingress-host', 'ingressHost'],
  ['--port', 'containerPort'],
  ['--metrics-port', 'metricsPort'],
]);
const NUMBERS = new Set(['replicas', 'containerPort', 'metricsPort']);
const OPTION_KEYS = new Set([
  'user',
  'nginxGroup',
  'gantryCommand',
  'nginxListen',
  'serverName',
  'image',
  'replicas',
  'ingressHost',
  'containerPort',
  'metricsPort',
]);

interface Parsed {
  readonly app: string;
  readonly body: ExportBody;
  readonly output: string | null;
  readonly home: string | null;
  readonly json: boolean;
}

export function parseExportArgs(argv: readonly string[]): Parsed | 'help' {
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  let includeSecrets = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--include-secrets') includeSecrets = true;
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) {
      const eq = a.indexOf('=');
      const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
      const key = VALUE.get(name);
      if (!key) throw new UsageError(`unrecognized argument: ${a}`);
      const v = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${name}: needs a value`);
      values[key] = v;
    } else positionals.push(a);
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'which app? (a project folder or an app id)' : `unexpected arguments: ${positionals.slice(1).join(' ')}`,
    );
  if (!values.target) throw new UsageError(`--to is required: ${EXPORT_TARGETS.join(', ')}`);
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (OPTION_KEYS.has(k)) options[k] = NUMBERS.has(k) ? Number(v) : v;
  const raw = {
    target: values.target,
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.server ? { server: values.server } : {}),
    ...(includeSecrets ? { includeSecrets } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
  const r = exportBodySchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.');
    const flag = [...VALUE.entries()].find(([, k]) => k === issue.path.at(-1))?.[0] ?? field;
    throw new UsageError(`${flag}: ${issue.message}`);
  }
  return { app: positionals[0]!, body: r.data, output: values.output ?? null, home: values.home ?? null, json };
}

async function fromHost(app: string, body: ExportBody, homeFlag: string | null): Promise<ExportResult> {
  const home = homeFlag ?? defaultGantryHome();
  const info = await readRuntimeFile(home);
  if (!info) throw new UsageError(`${app} is not a folder, and gantry ui is not running for ${home} to ask for an app with that id`);
  const route = ROUTES.exportApp;
  const res = await fetch(info.url + buildPath(route.path, { id: app }), {
    method: route.method,
    headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = (await res.json()) as ExportResult & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${data.code ?? res.status}: ${data.message ?? res.statusText}`);
  return data;
}

export async function runExport(argv: readonly string[]): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parseExportArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${USAGE}gantry export: error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { app, body, output, json } = parsed;
  let result: ExportResult;
  try {
    if (await isFolder(app)) {
      const input = await inputFromFolder(path.resolve(app), body.profile ?? DEFAULT_EXPORT_PROFILE);
      result = exportApp(body.target as ExportTarget, input, {
        ...body.options,
        server: body.server ?? 'gantry',
        includeSecrets: body.includeSecrets ?? false,
      });
    } else {
      result = await fromHost(app, body, parsed.home);
    }
    if (output !== null) result = await writeExport(output, result);
  } catch (e) {
    if (e instanceof UsageError || isGantryError(e)) {
      process.stderr.write(`gantry export: error: ${isGantryError(e) ? `${e.code}: ` : ''}${e.message}\n`);
      return isGantryError(e) ? 1 : 2;
    }
    if (e instanceof Error) {
      process.stderr.write(`gantry export: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (result.writtenTo !== null)
    process.stdout.write(result.files.map((f) => `wrote ${path.join(result.writtenTo!, f.path)}\n`).join(''));
  else process.stdout.write(result.files.map((f) => `==> ${f.path} <==\n${f.content}`).join('\n'));
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
  return 0;
}
