// `gantry ca path|install|uninstall|status`: the local CA's certificate, and trusting it where Gantry can.
// Every command is printed exactly before it runs; commands that need root are printed for the user to run.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { isGantryError } from '../errors.js';
import { defaultGantryHome } from '../host/paths.js';
import { ensureLocalCa } from '../tls/local-ca.js';
import { showCommand, storesFor, type CaIdentity, type Command } from '../tls/trust-store.js';

const USAGE = `usage: gantry ca path|install|uninstall|status [--dry-run] [--system]

  path       print the local CA certificate's path (created on first use under $GANTRY_HOME/ca)
  install    trust the CA in this user's browser stores (Linux: the NSS databases of Chromium and Firefox,
             via certutil from libnss3-tools); prints the system-store command that needs root
  uninstall  remove it from those stores again
  status     where it is trusted now
  --dry-run  print the commands without running them
  --system   also change the system store (needs root; without this it is only shown)

The CA is name-constrained: it can sign only for localhost, *.localhost, 127.0.0.0/8, ::1 and the local
suffixes chosen when it was created — never for a real site.
`;

export async function runCa(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const dryRun = rest.includes('--dry-run');
  // The system store changes what every program on the machine trusts: only when asked, never by default.
  const system = rest.includes('--system');
  const unknown = rest.find((a) => a !== '--dry-run' && a !== '--system');
  if (verb === '-h' || verb === '--help' || verb === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (unknown !== undefined || !['path', 'install', 'uninstall', 'status'].includes(verb ?? '')) {
    process.stderr.write(
      `${USAGE}gantry: error: ${unknown !== undefined ? `unknown option ${unknown}` : verb === undefined ? 'a subcommand is required' : `unknown subcommand ${verb}`}\n`,
    );
    return 2;
  }
  let ca;
  try {
    ca = await ensureLocalCa(defaultGantryHome());
  } catch (e) {
    process.stderr.write(`gantry: error: ${isGantryError(e) ? `${e.code}: ` : ''}${(e as Error).message}\n`);
    return 1;
  }
  if (verb === 'path') {
    process.stdout.write(`${ca.certPath}\n`);
    return 0;
  }
  const x = new X509Certificate(ca.certPem);
  const id: CaIdentity = {
    certPath: ca.certPath,
    nickname:
      x.subject
        .split('\n')
        .find((l) => l.startsWith('CN='))
        ?.slice(3) ?? 'Gantry local CA',
    sha1: x.fingerprint.replace(/:/g, ''),
  };
  const stores = storesFor(process.platform, id);
  const isRoot = process.getuid?.() === 0;
  let failed = 0;
  for (const store of stores) {
    if (verb === 'status') {
      if (store.status === null) {
        process.stdout.write(`?  ${store.label}: cannot be asked; see \`gantry ca install\` for its command\n`);
        continue;
      }
      if (!store.present) {
        process.stdout.write(`-  ${store.label}: no database\n`);
        continue;
      }
      const r = spawnSync(store.status.argv[0]!, store.status.argv.slice(1), { stdio: 'ignore' });
      process.stdout.write(`${r.status === 0 ? 'ok' : 'no'} ${store.label}${r.error ? ` (${store.status.argv[0]} not found)` : ''}\n`);
      continue;
    }
    const commands = verb === 'install' ? store.install : store.uninstall;
    if (verb === 'uninstall' && !store.present) continue;
    process.stdout.write(`${store.label}${store.untested ? ' (untested on this platform)' : ''}:\n`);
    for (const c of commands) {
      if (c.needsRoot && !(system && isRoot)) {
        process.stdout.write(
          `  needs root, run it yourself${system ? '' : ' (or gantry ca install --system as root)'}: ${showCommand(c)}\n`,
        );
        continue;
      }
      process.stdout.write(`  $ ${showCommand({ ...c, needsRoot: false })}\n`);
      if (dryRun) continue;
      if (!run(c)) {
        failed++;
        break;
      }
    }
  }
  return failed === 0 ? 0 : 1;
}

function run(c: Command): boolean {
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { encoding: 'utf8' });
  if (r.error) {
    const hint = c.argv[0] === 'certutil' ? ' (Debian/Ubuntu: apt install libnss3-tools)' : '';
    process.stderr.write(`  GANTRY_ERR_TRUST_STORE: cannot run ${c.argv[0]}: ${r.error.message}${hint}\n`);
    return false;
  }
  if (r.status !== 0) {
    process.stderr.write(`  GANTRY_ERR_TRUST_STORE: ${c.argv[0]} exited with ${r.status}: ${(r.stderr || r.stdout).trim()}\n`);
    return false;
  }
  return true;
}
