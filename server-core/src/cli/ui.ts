// `gantry ui [--port P] [--open] [--home DIR]`: the Host plus the control API (and the built renderer) on
// 127.0.0.1; prints the URL with the token and writes GANTRY_HOME/ui.json so `gantry apps` can find it.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startControlServer } from '../control/server.js';
import { createHost } from '../host/host.js';
import { defaultGantryHome } from '../host/paths.js';
import { readRuntimeFile, removeRuntimeFile, writeRuntimeFile } from '../host/runtime-file.js';

const USAGE = `usage: gantry ui [--port P] [--open] [--home DIR]

Starts Gantry's control API and UI on 127.0.0.1 and prints the address to open.
  --port P     listen on this port (default: a free one)
  --open       open the UI in the default browser
  --home DIR   config folder (default: $GANTRY_HOME or the platform's config folder)
`;

export interface UiArgs {
  readonly port: number;
  readonly open: boolean;
  readonly home: string | null;
}

/** `gantry ui`'s flags (node:util's parseArgs); 'help', or an error message for the usage line. */
export function parseUiArgs(argv: readonly string[]): UiArgs | 'help' | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { port: { type: 'string', short: 'p' }, open: { type: 'boolean' }, home: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
  if (values.help) return 'help';
  const port = values.port ?? '0';
  if (!/^\d+$/.test(port) || Number(port) > 65535) return `--port: must be a port number, not ${JSON.stringify(port)}`;
  if (values.home === '') return '--home: needs a folder';
  return { port: Number(port), open: values.open ?? false, home: values.home ?? null };
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
  const host = await createHost({ home });
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
