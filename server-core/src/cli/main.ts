// Entry point of the `gantry` command: dispatches subcommands. `ui` and `apps` live in their own modules
// (cli/ui.ts, cli/apps.ts) and are imported only when asked for, so `serve` never loads the control plane.
import { mainHelp } from './help.js';
import { runServe } from './serve.js';
import { VERSION } from './version.js';

type Subcommand = (argv: readonly string[]) => Promise<number>;

async function lazy(module: string, name: string): Promise<Subcommand | null> {
  try {
    const mod = (await import(new URL(module, import.meta.url).href)) as Record<string, unknown>;
    const fn = mod[name];
    return typeof fn === 'function' ? (fn as Subcommand) : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
    case 'ui':
    case 'apps':
    case 'export':
    case 'ca': {
      const run = await lazy(
        `./${command}.js`,
        command === 'ui' ? 'runUi' : command === 'apps' ? 'runApps' : command === 'ca' ? 'runCa' : 'runExport',
      );
      if (run === null) {
        process.stderr.write(`gantry: error: "${command}" is not available in this build\n`);
        return 2;
      }
      return run(rest);
    }
    case '-v':
    case '--version':
      process.stdout.write(`gantry ${VERSION}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(mainHelp());
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`gantry: error: unknown command ${JSON.stringify(command)}\n${mainHelp()}`);
      return 2;
  }
}
