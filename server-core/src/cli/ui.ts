// `gantry ui [--port P] [--open] [--home DIR]`: the Host plus the control API (and the built renderer) on
// 127.0.0.1; prints the URL with the token and writes GANTRY_HOME/ui.json so `gantry apps` can find it.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startControlServer } from '../control/server.js';
import { isGantryError } from '../errors.js';
import { createHost } from '../host/host.js';
import { describeHolder, type LockHolder } from '../host/home-lock.js';
import { defaultGantryHome } from '../host/paths.js';
import { readRuntimeFile, removeRuntimeFile, writeRuntimeFile } from '../host/runtime-file.js';

/** The router's default ports: above 1024, so they need no privileges (80/443 are an opt-in). */
export const SITES_HTTP_PORT = 8480;
export const SITES_HTTPS_PORT = 8443;

const USAGE = `usage: gantry ui [--port P] [--open] [--home DIR] [--sites-http P] [--sites-https P] [--no-sites]

Starts Gantry's control API and UI on 127.0.0.1 and prints the address to open.
  --port P     listen on this port (default: a free one)
  --open       open the UI in the default browser
  --home DIR   config folder (default: $GANTRY_HOME or the platform's config folder)
  --sites-http P, --sites-https P
               the router's ports for http(s)://NAME.localhost (default: ${SITES_HTTP_PORT} and ${SITES_HTTPS_PORT}; 0: a free one;
               80 and 443 where the OS lets this user listen there)
  --no-sites   no router: each app only on its own bind
`;

export interface UiArgs {
  readonly port: number;
  readonly open: boolean;
  readonly home: string | null;
  readonly sites: { readonly httpPort: number; readonly httpsPort: number } | null;
}

const PORT = /^\d+$/;
const badPort = (flag: string, v: string): string | null =>
  PORT.test(v) && Number(v) <= 65535 ? null : `${flag}: must be a port number, not ${JSON.stringify(v)}`;

/** `gantry ui`'s flags (node:util's parseArgs); 'help', or an error message for the usage line. */
export function parseUiArgs(argv: readonly string[]): UiArgs | 'help' | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: {
        port: { type: 'string', short: 'p' },
        open: { type: 'boolean' },
        home: { type: 'string' },
        'sites-http': { type: 'string' },
        'sites-https': { type: 'string' },
        'no-sites': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
  const { values, tokens } = parsed;
  if (values.help) return 'help';
  const port = values.port ?? '0';
  const portError = badPort('--port', port);
  if (portError) return portError;
  if (values.home === '') return '--home: needs a folder';
  // In order, as written: --no-sites turns the router off, a later --sites-http(s) turns it back on.
  let sites: { httpPort: number; httpsPort: number } | null = { httpPort: SITES_HTTP_PORT, httpsPort: SITES_HTTPS_PORT };
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'no-sites') sites = null;
    else if (t.name === 'sites-http' || t.name === 'sites-https') {
      const err = badPort(`--${t.name}`, t.value ?? '');
      if (err) return err;
      sites ??= { httpPort: SITES_HTTP_PORT, httpsPort: SITES_HTTPS_PORT };
      if (t.name === 'sites-http') sites.httpPort = Number(t.value);
      else sites.httpsPort = Number(t.value);
    }
  }
  return { port: Number(port), open: values.open ?? false, home: values.home ?? null, sites };
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no browser opener: the printed URL is enough
    child.unref();
  } catch {
    /* ignore */
  }
}

export async function runUi(argv: readonly string[]): Promise<number> {
  const args = parseUiArgs(argv);
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    process.stderr.write(`gantry ui: error: ${args}\n${USAGE}`);
    return 2;
  }
  const home = args.home ?? defaultGantryHome();
  // Two Hosts on one config folder would fight over apps.json and the apps' ports: the Host locks the folder
  // before reading it, and the second start is told who holds it.
  let host;
  try {
    host = await createHost({ home, lockOwner: 'gantry ui', ...(args.sites ? { router: args.sites } : {}) });
  } catch (e) {
    if (!isGantryError(e, 'GANTRY_ERR_HOME_LOCKED')) throw e;
    const running = await readRuntimeFile(home);
    const where = running ? `; its UI is at ${running.url}` : '';
    const holder = e.details?.holder as LockHolder | undefined;
    process.stderr.write(
      `gantry ui: error: ${e.code}: Gantry is already running for ${home}: ${holder ? describeHolder(holder) : e.message}${where}\n`,
    );
    return 1;
  }
  for (const n of host.notices) process.stderr.write(`gantry ui: ${n.code}: ${n.message}\n`);
  let server;
  try {
    server = await startControlServer({ host, port: args.port });
  } catch (e) {
    await host.close();
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(
      `gantry ui: error: cannot listen on 127.0.0.1:${args.port}: ${err.code === 'EADDRINUSE' ? 'GANTRY_ERR_PORT_IN_USE' : err.message}\n`,
    );
    return 1;
  }
  await writeRuntimeFile(home, { url: server.url, port: server.port, token: server.token, pid: process.pid, startedAt: Date.now() });
  // The token rides in the fragment: a browser never sends it to any server, and the page moves it to sessionStorage.
  const url = `${server.url}/#token=${server.token}`;

  return new Promise<number>((resolve) => {
    let stopping = false;
    let done = (): void => undefined;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`gantry ui: ${signal}: stopping every app\n`);
      void (async () => {
        await server.close().catch(() => undefined);
        await host.close().catch(() => undefined);
        await removeRuntimeFile(home);
        done();
        resolve(0);
      })();
    };
    // `on`, not `once`: execa's exit hook (signal-exit) re-raises a signal when no other listener is left,
    // which would kill us before the apps are stopped. Removed once everything is down.
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    done = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    // Announced only once a signal can stop it cleanly (a script may stop it the moment it reads the URL).
    process.stdout.write(`Gantry UI: ${url}\n`);
    if (host.router)
      process.stdout.write(
        `Local sites: http://NAME.localhost:${host.router.address.http}/ and https://NAME.localhost:${host.router.address.https}/ (trust the CA once: gantry ca install)\n`,
      );
    if (args.open) openBrowser(url);
  });
}
