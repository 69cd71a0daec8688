// Server certificates for the router, one per site name, issued by the local CA on first use (SNI) and
// reissued when a third of their life is left, so a long-running Host never serves an expired one.
import { createSecureContext, type SecureContext } from 'node:tls';
import { caMaySign, issueLeaf, LEAF_DAYS, type LocalCa } from './local-ca.js';

const RENEW_BEFORE_MS = (LEAF_DAYS / 3) * 86_400_000;

interface Entry {
  readonly context: SecureContext;
  readonly notAfter: number;
  readonly certPem: string;
  readonly keyPem: string;
}

export class LeafStore {
  private readonly entries = new Map<string, Promise<Entry>>();

  constructor(
    private readonly ca: LocalCa,
    private readonly now: () => number = Date.now,
  ) {}

  /** The TLS context for `servername`, or null when the CA may not sign for it (the handshake then fails). */
  async contextFor(servername: string): Promise<SecureContext | null> {
    const name = servername.toLowerCase().replace(/\.$/, '');
    if (!caMaySign(this.ca, name)) return null;
    let pending = this.entries.get(name);
    if (pending !== undefined) {
      const entry = await pending.catch(() => null);
      if (entry !== null && entry.notAfter - this.now() > RENEW_BEFORE_MS) return entry.context;
      this.entries.delete(name);
    }
    pending = this.issue(name);
    this.entries.set(name, pending);
    return (await pending).context;
  }

  /** The server's default certificate, for clients that send no SNI (an IP literal in the URL): localhost and the loopback addresses. */
  async fallback(): Promise<{ readonly cert: string; readonly key: string }> {
    await this.contextFor('localhost');
    const entry = await this.entries.get('localhost')!;
    return { cert: entry.certPem, key: entry.keyPem };
  }

  private async issue(name: string): Promise<Entry> {
    const names = name === 'localhost' ? ['localhost', '127.0.0.1', '::1'] : [name];
    const leaf = await issueLeaf(this.ca, names);
    const certPem = leaf.certPem + this.ca.certPem;
    return {
      context: createSecureContext({ cert: certPem, key: leaf.keyPem }),
      notAfter: leaf.notAfter.getTime(),
      certPem,
      keyPem: leaf.keyPem,
    };
  }
}
