// The Host's router: one HTTP and one HTTPS listener (HTTP/2 by ALPN) for all apps, dispatching by Host
// header (NAME.localhost, aliases) straight into the app's own gateway in-process — the same access log,
// request ids, metrics and limits as the app's bind, no proxy hop. Certificates come from the local CA,
// one per name on first use (SNI).
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GantryError } from '../errors.js';
import { createSecureListener } from '../gateway/secure-listener.js';
import { isRoutable } from '../runtime/routable.js';
import type { AppRuntime } from '../runtime/types.js';
import { LeafStore } from '../tls/leaf-store.js';
import type { LocalCa } from '../tls/local-ca.js';

/** What the router needs to know about one app (host.ts keeps the table). */
export interface Site {
  readonly appId: string;
  readonly appName: string;
  /** Full host names, e.g. shop.localhost. */
  readonly names: readonly string[];
  /** The running runtime, or null when the app is stopped (→ 503 naming it). */
  readonly runtime: AppRuntime | null;
  /** Answer plain HTTP with a redirect to https (the profile's requireHttps). */
  readonly requireHttps: boolean;
}

export interface RouterOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly ca: LocalCa;
  readonly sites: () => readonly Site[];
}

export interface RouterAddress {
  readonly http: number;
  readonly https: number;
}

export class SiteRouter {
  private http: Server | null = null;
  private https: Server | null = null;
  private ports: RouterAddress = { http: 0, https: 0 };

  constructor(private readonly options: RouterOptions) {}

  /** The DNS suffixes the CA signs for: the names a site may have. */
  get suffixes(): readonly string[] {
    return this.options.ca.suffixes;
  }

  get address(): RouterAddress {
    return this.ports;
  }

  /** The URLs of a site's names on both listeners. */
  urlsOf(names: readonly string[]): { readonly http: string[]; readonly https: string[] } {
    return { http: names.map((n) => `http://${n}:${this.ports.http}/`), https: names.map((n) => `https://${n}:${this.ports.https}/`) };
  }

  async listen(): Promise<RouterAddress> {
    const leaves = new LeafStore(this.options.ca);
    const fallback = await leaves.fallback();
    const http = createServer({ requireHostHeader: true, keepAlive: true, noDelay: true });
    const https = createSecureListener(
      {
        context: fallback,
        http2: true,
        SNICallback: (servername, cb) => {
          leaves.contextFor(servername).then(
            (ctx) => (ctx === null ? cb(new Error(`the local CA does not sign for ${servername}`)) : cb(null, ctx)),
            (err: unknown) => cb(err as Error),
          );
        },
      },
      { keepAlive: true, noDelay: true },
    );
    for (const [server, tls] of [
      [http, false],
      [https, true],
    ] as const) {
      server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, false, tls));
      server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, true, tls));
    }
    try {
      this.ports = {
        http: await listen(http, this.options.host, this.options.httpPort),
        https: await listen(https, this.options.host, this.options.httpsPort),
      };
    } catch (err) {
      http.close();
      https.close();
      throw err;
    }
    this.http = http;
    this.https = https;
    return this.ports;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, expectContinue: boolean, tls: boolean): void {
    const authority = (req.headers.host ?? (req.headers as Record<string, string | undefined>)[':authority'] ?? '').toLowerCase();
    const name = hostnameOf(authority);
    const sites = this.options.sites();
    const site = sites.find((s) => s.names.includes(name));
    if (site === undefined) {
      page(
        res,
        404,
        'No local site by that name',
        `<p>Nothing here is called <b>${esc(name || '(no Host header)')}</b>.</p>${this.siteList(sites, tls)}`,
      );
      return;
    }
    if (!tls && site.requireHttps) {
      const location = `https://${name}${this.ports.https === 443 ? '' : `:${this.ports.https}`}${req.url ?? '/'}`;
      res.writeHead(308, {
        Location: location,
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(location) + 1,
      });
      res.end(location + '\n');
      return;
    }
    const port = tls ? this.ports.https : this.ports.http;
    const runtime = site.runtime;
    if (runtime !== null && isRoutable(runtime) && runtime.route(req, res, expectContinue, { tls, port })) return;
    const why =
      runtime === null
        ? 'is stopped'
        : !isRoutable(runtime)
          ? 'runs its gateway in separate processes (gateway processes > 1), which the router cannot reach in-process; use its own bind'
          : 'is not running';
    page(
      res,
      503,
      `${site.appName} ${why.startsWith('is') ? why : 'cannot be reached here'}`,
      `<p>The app <b>${esc(site.appName)}</b> (${esc(site.appId)}) ${esc(why)}. Start it in Gantry and reload this page.</p>`,
      ['Retry-After', '5'],
    );
  }

  private siteList(sites: readonly Site[], tls: boolean): string {
    if (sites.length === 0) return '<p>No apps have local site names yet.</p>';
    const port = tls ? this.ports.https : this.ports.http;
    const scheme = tls ? 'https' : 'http';
    const rows = sites.map((s) => {
      const state = s.runtime === null ? 'stopped' : s.runtime.status().state;
      const links = s.names.map((n) => `<a href="${scheme}://${esc(n)}:${port}/">${esc(n)}</a>`).join(', ');
      return `<li>${links} — ${esc(s.appName)} (${esc(state)})</li>`;
    });
    return `<p>Local sites:</p><ul>${rows.join('')}</ul>`;
  }

  async close(): Promise<void> {
    const servers = [this.http, this.https].filter((s): s is Server => s !== null);
    this.http = null;
    this.https = null;
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }
}

function hostnameOf(authority: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(authority);
  return (m?.[1] ?? '').replace(/\.$/, '');
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new GantryError(
              'GANTRY_ERR_PORT_IN_USE',
              `the router's port ${host}:${port} is already in use`,
              { bind: `${host}:${port}` },
              { cause: err },
            )
          : new GantryError(
              'GANTRY_ERR_BIND',
              `the router cannot listen on ${host}:${port}: ${err.message}`,
              { bind: `${host}:${port}`, errno: err.code },
              { cause: err },
            ),
      );
    });
    server.listen({ host, port }, () => resolve((server.address() as AddressInfo).port));
  });
}

function page(res: ServerResponse, status: number, title: string, body: string, extra: readonly string[] = []): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${status} ${esc(STATUS_CODES[status] ?? '')}</h1><h2>${esc(title)}</h2>${body}<p><small>Gantry router</small></p></body></html>\n`;
  res.writeHead(status, ['Content-Type', 'text/html; charset=utf-8', 'Content-Length', String(Buffer.byteLength(html)), ...extra]);
  res.end(html);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
