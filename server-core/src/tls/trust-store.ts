// Where the local CA can be trusted, as the exact commands that do it: the NSS databases Chromium and
// Firefox read on Linux (certutil from libnss3-tools), the system store (needs root: shown, not run), and
// the platform commands on macOS and Windows. Commands are argument lists, never shell strings, so they are
// shown exactly as they run and can be unit-tested on any platform.
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Command {
  readonly argv: readonly string[];
  /** Needs administrator rights: shown for the user to run, not run by Gantry. */
  readonly needsRoot: boolean;
}

export interface TrustStore {
  /** What it is, for the user: "Chromium/Chrome NSS database ~/.pki/nssdb". */
  readonly label: string;
  readonly install: readonly Command[];
  readonly uninstall: readonly Command[];
  /** Exit status 0 when the CA is installed there; null when there is no way to ask. */
  readonly status: Command | null;
  /** Whether this store is used on this machine at all (its database exists). */
  readonly present: boolean;
  /** Built and unit-tested as argument lists, but never run on that platform by our tests. */
  readonly untested: boolean;
}

export interface CaIdentity {
  readonly certPath: string;
  /** The NSS nickname and the certificate's CN. */
  readonly nickname: string;
  /** SHA-1 fingerprint, hex without colons (what `security` and Windows certutil take to delete). */
  readonly sha1: string;
}

/** A shell-safe rendering of a command, for showing it before it runs. */
export function showCommand(c: Command): string {
  return (c.needsRoot ? ['sudo', ...c.argv] : c.argv)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

export function nssStore(dir: string, ca: CaIdentity, label: string, present = existsSync(path.join(dir, 'cert9.db'))): TrustStore {
  const db = `sql:${dir}`;
  return {
    label: `${label} ${dir}`,
    install: [
      ...(present
        ? []
        : [
            { argv: ['mkdir', '-p', '-m', '0700', dir], needsRoot: false },
            { argv: ['certutil', '-N', '-d', db, '--empty-password'], needsRoot: false },
          ]),
      // C,, : a trusted CA for TLS servers only (not e-mail, not code signing).
      { argv: ['certutil', '-A', '-d', db, '-t', 'C,,', '-n', ca.nickname, '-i', ca.certPath], needsRoot: false },
    ],
    uninstall: [{ argv: ['certutil', '-D', '-d', db, '-n', ca.nickname], needsRoot: false }],
    status: { argv: ['certutil', '-L', '-d', db, '-n', ca.nickname], needsRoot: false },
    present,
    untested: false,
  };
}

/** The NSS databases of this user: Chromium's ~/.pki/nssdb (made if missing) and each Firefox profile's. */
function linuxStores(ca: CaIdentity, home = os.homedir()): TrustStore[] {
  const stores = [nssStore(path.join(home, '.pki', 'nssdb'), ca, 'Chromium/Chrome NSS database')];
  for (const root of [path.join(home, '.mozilla', 'firefox'), path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const e of entries.sort()) {
      const dir = path.join(root, e);
      if (existsSync(path.join(dir, 'cert9.db'))) stores.push(nssStore(dir, ca, 'Firefox profile'));
    }
  }
  return stores;
}

/** Debian/Ubuntu's system store (curl, Python's ssl with certifi off, wget…). Needs root. */
function debianSystemStore(ca: CaIdentity): TrustStore {
  const target = '/usr/local/share/ca-certificates/gantry-local-ca.crt';
  return {
    label: 'system store (update-ca-certificates)',
    install: [
      { argv: ['install', '-m', '0644', ca.certPath, target], needsRoot: true },
      { argv: ['update-ca-certificates'], needsRoot: true },
    ],
    uninstall: [
      { argv: ['rm', '-f', target], needsRoot: true },
      { argv: ['update-ca-certificates', '--fresh'], needsRoot: true },
    ],
    status: null,
    present: existsSync('/usr/sbin/update-ca-certificates'),
    untested: false,
  };
}

/** macOS: the login keychain, trusted for SSL only. Untested here (no macOS in CI). */
export function macosStore(ca: CaIdentity, home = os.homedir()): TrustStore {
  const keychain = path.join(home, 'Library', 'Keychains', 'login.keychain-db');
  return {
    label: `macOS login keychain ${keychain}`,
    install: [{ argv: ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-k', keychain, ca.certPath], needsRoot: false }],
    uninstall: [{ argv: ['security', 'delete-certificate', '-Z', ca.sha1.toUpperCase(), keychain], needsRoot: false }],
    status: { argv: ['security', 'find-certificate', '-Z', '-c', ca.nickname, keychain], needsRoot: false },
    present: true,
    untested: true,
  };
}

/** Windows: the current user's Root store via certutil.exe. Untested here (no Windows in CI). */
export function windowsStore(ca: CaIdentity): TrustStore {
  return {
    label: 'Windows current-user Root store',
    install: [{ argv: ['certutil.exe', '-user', '-addstore', 'Root', ca.certPath], needsRoot: false }],
    uninstall: [{ argv: ['certutil.exe', '-user', '-delstore', 'Root', ca.sha1.toLowerCase()], needsRoot: false }],
    status: { argv: ['certutil.exe', '-user', '-verifystore', 'Root', ca.sha1.toLowerCase()], needsRoot: false },
    present: true,
    untested: true,
  };
}

export function storesFor(platform: NodeJS.Platform, ca: CaIdentity, home = os.homedir()): TrustStore[] {
  if (platform === 'darwin') return [macosStore(ca, home)];
  if (platform === 'win32') return [windowsStore(ca)];
  return [...linuxStores(ca, home), debianSystemStore(ca)];
}
