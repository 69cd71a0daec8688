// Start a real `gantry ui --port 0 --home DIR` and talk to its API with the token it printed (in the URL fragment).
import { spawn, type ChildProcess } from 'node:child_process';
import { createApiClient } from '../../src/control/client.js';
import { GANTRY_BIN } from './paths.js';

export interface Ui {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  /** Everything it printed so far. */
  output(): string;
  api(method: string, path: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

/** `fileSizeLimit`: no file it writes may grow past this many bytes (prlimit's RLIMIT_FSIZE: a write past it fails with EFBIG, as on a full disk). */
export async function startUi(home: string, env: NodeJS.ProcessEnv = process.env, opts: { fileSizeLimit?: number } = {}): Promise<Ui> {
  const args = [GANTRY_BIN, 'ui', '--port', '0', '--no-sites', '--home', home];
  const child =
    opts.fileSizeLimit === undefined
      ? spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('prlimit', [`--fsize=${opts.fileSizeLimit}`, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (b: Buffer): void => {
    out += b.toString();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const printed = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const m = /Gantry UI: (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', (code) => reject(new Error(`gantry ui exited ${code}: ${out}`)));
  });
  const u = new URL(printed);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? u.searchParams.get('token') ?? '';
  const client = createApiClient({ baseUrl: u.origin, token });
  return {
    child,
    url: u.origin,
    token,
    output: () => out,
    // A string body goes as it is (JSON the contract would refuse, e.g. a `__proto__` key).
    api: (method, path, body) =>
      typeof body === 'string'
        ? client.send(method, path, { text: body, headers: { 'content-type': 'application/json' } })
        : client.send(method, path, { json: body }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
