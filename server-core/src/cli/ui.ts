// `gantry ui [--port P] [--open] [--home DIR]`: the Host plus the control API (and the built renderer) on
// 127.0.0.1; prints the URL with the token and writes GANTRY_HOME/ui.json so `gantry apps` can find it.
import { spawn } from 'node:child_process';
import { startControlServer } from '../control/server.js';
import { createHost } from '../host/host.js';
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

interface UiArgs {
  port: number;
  open: boolean;
  home: string | null;
  sites: { httpPort: number; httpsPort: number } | null;
}

function parseUiArgs(argv: readonly string[]): UiArgs | string {
  const out: UiArgs = { port: 0, open: false, home: null, sites: { httpPort: SITES_HTTP_PORT, httpsPort: SITES_HTTPS_PORT } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--open') out.open = true;
    else if (flag === '--port' || flag === '-p') {
      const v = value();
      if (!v || !/^\d+$/.test(v) || Number(v) > 65535) return `--port: must be a port number, not ${JSON.stringify(v ?? '')}`;
      out.port = Number(v);
    } else if (flag === '--home') {
      const v = value();
      if (!v) return '--home: needs a folder';
      out.home = v;
    } else if (flag === '--sites-http' || flag === '--sites-https') {
      const v = value();
      if (!v || !/^\d+$/.test(v) || Number(v) > 65535) return `${flag}: must be a port number, not ${JSON.stringify(v ?? '')}`;
      out.sites ??= { httpPort: SITES_HTTP_PORT, httpsPort: SITES_HTTPS_PORT };
      if (flag === '--sites-http') out.sites.httpPort = Number(v);
      else out.sites.httpsPort = Number(v);
    } else if (flag === '--no-sites') out.sites = null;
    else if (flag === '-h' || flag === '--help') return 'help';
    else return `unknown argument ${JSON.stringify(a)}`;
  }
  return out;
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
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
  // Two Hosts on one config folder would fight over apps.json and the apps' ports.
  const running = await readRuntimeFile(home);
  if (running && running.pid !== process.pid) {
    process.stderr.write(`gantry ui: error: Gantry is already running for ${home} (pid ${running.pid}): ${running.url}\n`);
    return 1;
  }
  const host = await createHost({ home, ...(args.sites ? { router: args.sites } : {}) });
  for (const n of host.notices) process.stderr.write(`gantry ui: ${n.code}: ${n.message}\n`);
  let server;
  try {
    server = await startControlServer({ host, port: args.port });
  } catch (e) {
    await host.close();
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`gantry ui: error: cannot listen on 127.0.0.1:${args.port}: ${err.code === 'EADDRINUSE' ? 'GANTRY_ERR_PORT_IN_USE' : err.message}\n`);
    return 1;
  }
  await writeRuntimeFile(home, { url: server.url, port: server.port, token: server.token, pid: process.pid, startedAt: Date.now() });
  const url = `${server.url}/?token=${server.token}`;
  process.stdout.write(`Gantry UI: ${url}\n`);
  if (host.router) process.stdout.write(`Local sites: http://NAME.localhost:${host.router.address.http}/ and https://NAME.localhost:${host.router.address.https}/ (trust the CA once: gantry ca install)\n`);
  if (args.open) openBrowser(url);

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
  });
}
