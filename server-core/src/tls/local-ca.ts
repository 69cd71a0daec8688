// The per-install local certificate authority: created on first use under $GANTRY_HOME/ca, and
// name-constrained (RFC 5280 §4.2.1.10, critical) to localhost, *.localhost, the loopback addresses and the
// local suffixes the user adds — so even a stolen key cannot sign for a real site.
// X.509 is built by @peculiar/x509 on node's webcrypto; nothing here encodes ASN.1 by hand.
// x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints, id_ce_nameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { GantryError } from '../errors.js';
import { writeFileAtomic } from '../host/atomic-file.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const CA_DIR = 'ca';
export const CA_CERT_FILE = 'rootCA.pem';
const CA_KEY_FILE = 'rootCA-key.pem';
const CA_META_FILE = 'ca.json';

/** Names every Gantry CA may sign, whatever the user adds. `localhost` covers *.localhost too (RFC 5280 dNSName subtree). */
const BUILTIN_DNS = ['localhost'] as const;
const BUILTIN_IP = ['127.0.0.0/8', '::1/128'] as const;

const ALG: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const CA_YEARS = 10;

export interface LocalCa {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  /** The DNS suffixes the CA is constrained to (BUILTIN_DNS plus the user's). */
  readonly suffixes: readonly string[];
}

/** A suffix the user may add: a DNS label sequence, not a public name we would recognise as a real TLD. */
const SUFFIX_RE = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;
const PUBLIC_SUFFIXES = new Set(['com', 'net', 'org', 'io', 'dev', 'app', 'edu', 'gov', 'co', 'uk', 'de', 'fr']);

function checkSuffix(suffix: string): string {
  const s = suffix.replace(/^\./, '').toLowerCase();
  if (!SUFFIX_RE.test(s) || PUBLIC_SUFFIXES.has(s)) {
    throw new GantryError(
      'GANTRY_ERR_TLS_NAME',
      `"${suffix}" cannot be a local suffix (it must be a DNS name that is not a public top-level domain, e.g. test or internal)`,
      { suffix },
    );
  }
  return s;
}

function caDir(home: string): string {
  return path.join(home, CA_DIR);
}

/** Loads the install's CA, creating it when there is none. `extraSuffixes` apply only on creation. */
export async function ensureLocalCa(home: string, extraSuffixes: readonly string[] = []): Promise<LocalCa> {
  const existing = await loadLocalCa(home);
  if (existing !== null) return existing;
  return createLocalCa(home, extraSuffixes);
}

export async function loadLocalCa(home: string): Promise<LocalCa | null> {
  const dir = caDir(home);
  const certPath = path.join(dir, CA_CERT_FILE);
  const keyPath = path.join(dir, CA_KEY_FILE);
  let certPem: string;
  let keyPem: string;
  try {
    [certPem, keyPem] = await Promise.all([fs.readFile(certPath, 'utf8'), fs.readFile(keyPath, 'utf8')]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const cert = new x509.X509Certificate(certPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem), ALG, false, ['sign']);
  const publicKey = await cert.publicKey.export(ALG, ['verify']);
  let suffixes: string[] = [...BUILTIN_DNS];
  try {
    const meta = JSON.parse(await fs.readFile(path.join(dir, CA_META_FILE), 'utf8')) as { suffixes?: string[] };
    if (Array.isArray(meta.suffixes)) suffixes = meta.suffixes;
  } catch {
    /* an older or hand-made CA folder: the built-in names only */
  }
  return { dir, certPath, keyPath, certPem, cert, keys: { privateKey, publicKey }, suffixes };
}

async function createLocalCa(home: string, extraSuffixes: readonly string[]): Promise<LocalCa> {
  const dir = caDir(home);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const suffixes = [...BUILTIN_DNS, ...extraSuffixes.map(checkSuffix).filter((s) => !(BUILTIN_DNS as readonly string[]).includes(s))];
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const permitted = new GeneralSubtrees([
    ...suffixes.map((s) => new GeneralSubtree({ base: new GeneralName({ dNSName: s }) })),
    ...BUILTIN_IP.map((ip) => new GeneralSubtree({ base: new GeneralName({ iPAddress: ip }) })),
  ]);
  const nameConstraints = new x509.Extension(
    id_ce_nameConstraints,
    true,
    AsnConvert.serialize(new NameConstraints({ permittedSubtrees: permitted })),
  );
  const now = new Date();
  const user = process.env.USER ?? process.env.USERNAME ?? 'user';
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [
      { O: ['Gantry local CA'] },
      { OU: [`${user}@${(await import('node:os')).hostname()}`] },
      { CN: [`Gantry local CA ${now.toISOString().slice(0, 10)}`] },
    ],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + CA_YEARS * 365 * 86_400_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      nameConstraints,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const certPem = cert.toString('pem') + '\n';
  const certPath = path.join(dir, CA_CERT_FILE);
  const keyPath = path.join(dir, CA_KEY_FILE);
  await writeFileAtomic(keyPath, keyPem, 0o600);
  await writeFileAtomic(certPath, certPem, 0o644);
  await writeFileAtomic(path.join(dir, CA_META_FILE), JSON.stringify({ suffixes }, null, 2) + '\n', 0o644);
  return { dir, certPath, keyPath, certPem, cert, keys, suffixes };
}

/** True when `name` (a DNS name or an IP literal) lies inside the CA's name constraints. */
export function caMaySign(ca: Pick<LocalCa, 'suffixes'>, name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(n)) return n === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(n);
  return ca.suffixes.some((s) => n === s || n.endsWith('.' + s));
}

export interface Leaf {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: Date;
  readonly names: readonly string[];
}

export const LEAF_DAYS = 90;

/** Issues a server certificate for `names` (DNS names and loopback IPs), all within the CA's constraints. */
export async function issueLeaf(
  ca: LocalCa,
  names: readonly string[],
  days = LEAF_DAYS,
  opts: { unchecked?: boolean } = {},
): Promise<Leaf> {
  if (names.length === 0) throw new GantryError('GANTRY_ERR_TLS_NAME', 'a certificate needs at least one name');
  for (const n of names) {
    if (!opts.unchecked && !caMaySign(ca, n)) {
      throw new GantryError(
        'GANTRY_ERR_TLS_NAME',
        `the local CA cannot sign for "${n}": it is constrained to ${ca.suffixes.join(', ')}, their subdomains and the loopback addresses`,
        { name: n },
      );
    }
  }
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = new Date();
  const notAfter = new Date(now.getTime() + days * 86_400_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ O: ['Gantry local site'] }, { CN: [names[0]!] }],
    issuer: ca.cert.subjectName,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (isIpLiteral(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
        false,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certPem: cert.toString('pem') + '\n', keyPem, notAfter, names: [...names] };
}

function isIpLiteral(n: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(n) || n.includes(':');
}

function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f; // positive INTEGER
  return Buffer.from(b).toString('hex');
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
