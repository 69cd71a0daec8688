// Every deliberate difference between Gantry's environ and gunicorn's (Debian's gunicorn 20.1, sync
// worker, -w 1), each with why it differs and a check of what each side must show instead.
// The differential test applies these, removes the keys involved, and requires everything left,
// keys and values, to be identical.
import { expect } from 'vitest';

export type Env = Record<string, unknown>;

export interface Context {
  /** The raw request sent to both. */
  readonly raw: string;
  /** Header fields of the raw request, in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly gunicornPort: number;
  /** Worker processes each server runs. */
  readonly workers: number;
}

export interface Difference {
  /** The environ keys this difference covers (removed from both sides after the check). */
  readonly keys: readonly string[] | ((ctx: Context) => readonly string[]);
  readonly why: string;
  check(gunicorn: Env, gantry: Env, ctx: Context): void;
}

const header = (ctx: Context, name: string) => ctx.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
const httpKey = (name: string) => 'HTTP_' + name.toUpperCase().replace(/-/g, '_');

export const DIFFERENCES: readonly Difference[] = [
  {
    keys: ['SERVER_SOFTWARE'],
    why: 'Each server names itself.',
    check: (g, t) => {
      expect(g.SERVER_SOFTWARE).toMatch(/^gunicorn\//);
      expect(t.SERVER_SOFTWARE).toMatch(/^gantry\//);
    },
  },
  {
    keys: ['REMOTE_PORT'],
    why: 'Each request comes from a different client socket.',
    check: (g, t) => {
      expect(g.REMOTE_PORT).toMatch(/^\d+$/);
      expect(t.REMOTE_PORT).toMatch(/^\d+$/);
    },
  },
  {
    keys: ['GATEWAY_INTERFACE'],
    why: "Gantry sets the CGI/1.1 meta-variable (as nginx's fastcgi_params does); gunicorn does not set it.",
    check: (g, t) => {
      expect(g.GATEWAY_INTERFACE).toBeUndefined();
      expect(t.GATEWAY_INTERFACE).toBe('CGI/1.1');
    },
  },
  {
    keys: ['HTTP_X_REQUEST_ID'],
    why: "Gantry always passes a request id (the client's X-Request-ID, or one it made) so app output can be tied to its access-log entry; gunicorn passes the header only when the client sent one.",
    check: (g, t, ctx) => {
      const sent = header(ctx, 'X-Request-ID');
      expect(g.HTTP_X_REQUEST_ID).toBe(sent);
      if (sent !== undefined) expect(t.HTTP_X_REQUEST_ID).toBe(sent);
      else expect(t.HTTP_X_REQUEST_ID).toMatch(/^[\w.:-]{1,200}$/);
    },
  },
  {
    keys: ['REQUEST_URI'],
    why: "The raw request target is RAW_URI in both (compared as any key); Gantry also passes it as REQUEST_URI, the CGI/nginx name (protocol/WORKER.md), as werkzeug's server does.",
    check: (g, t) => {
      expect(typeof t.RAW_URI).toBe('string');
      expect(t.REQUEST_URI).toBe(t.RAW_URI);
      expect(g.REQUEST_URI).toBeUndefined();
    },
  },
  {
    keys: ['SERVER_NAME', 'SERVER_PORT'],
    why:
      'gunicorn 20.1 reports the listening address; Gantry takes the name and port from the Host header (port defaulting to 80/443 by scheme), ' +
      'falling back to the listener. Both also send HTTP_HOST, which PEP 3333 URL reconstruction prefers.',
    check: (g, t, ctx) => {
      expect(g.SERVER_NAME).toBe('127.0.0.1');
      expect(g.SERVER_PORT).toBe(String(ctx.gunicornPort));
      const host = header(ctx, 'Host')!;
      const [name, port] = host.split(':');
      expect(t.SERVER_NAME).toBe(name);
      expect(t.SERVER_PORT).toBe(port ?? (t['wsgi.url_scheme'] === 'https' ? '443' : '80'));
    },
  },
  {
    keys: ['wsgi.multiprocess'],
    why: 'Gantry says True even with one worker: during a reload or a max-requests recycle an old and a new worker serve at once. gunicorn says False for -w 1.',
    check: (g, t, ctx) => {
      expect(g['wsgi.multiprocess']).toBe(ctx.workers > 1);
      expect(t['wsgi.multiprocess']).toBe(true);
    },
  },
  {
    keys: ['HTTPS'],
    why: 'Gantry passes HTTPS=on (the CGI/FastCGI convention, protocol/WORKER.md) whenever the scheme is https, here from X-Forwarded-Proto sent by a trusted peer; gunicorn only sets wsgi.url_scheme (which both agree on).',
    check: (g, t) => {
      expect(g.HTTPS).toBeUndefined();
      expect(t.HTTPS).toBe(t['wsgi.url_scheme'] === 'https' ? 'on' : undefined);
    },
  },
  {
    keys: ['REMOTE_ADDR'],
    why: 'From a trusted peer (--forwarded-allow-ips, 127.0.0.1 by default) Gantry takes the client address from X-Forwarded-For; gunicorn 20.1 never rewrites REMOTE_ADDR (that is left to ProxyFix-style middleware).',
    check: (g, t, ctx) => {
      expect(g.REMOTE_ADDR).toBe('127.0.0.1');
      const xff = header(ctx, 'X-Forwarded-For');
      expect(t.REMOTE_ADDR).toBe(xff !== undefined ? xff.split(',').at(-1)!.trim() : '127.0.0.1');
    },
  },
  {
    keys: (ctx) => repeatedNames(ctx).map(httpKey),
    why:
      'Repeated header fields: gunicorn joins them with ",", Gantry with ", " (RFC 9110 5.3) and Cookie fields with "; " (RFC 6265 5.4; ' +
      'gunicorn\'s "a=1,b=2" makes Django and Werkzeug read one cookie named "a" with value "1,b=2").',
    check: (g, t, ctx) => {
      for (const name of repeatedNames(ctx)) {
        const values = ctx.headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v.trim());
        expect(g[httpKey(name)]).toBe(values.join(','));
        expect(t[httpKey(name)]).toBe(values.join(name === 'cookie' ? '; ' : ', '));
      }
    },
  },
  {
    keys: (ctx) => ctx.headers.filter(([k]) => k.includes('_')).map(([k]) => httpKey(k)),
    why: 'Header names with "_" are dropped by Gantry (as nginx and gunicorn >= 22 do): X_Forwarded_For would otherwise forge HTTP_X_FORWARDED_FOR. gunicorn 20.1 passes them.',
    check: (g, t, ctx) => {
      for (const [k, v] of ctx.headers.filter(([n]) => n.includes('_'))) {
        expect(g[httpKey(k)]).toBe(v.trim());
        expect(t[httpKey(k)]).toBeUndefined();
      }
    },
  },
];

function repeatedNames(ctx: Context): string[] {
  const counts = new Map<string, number>();
  for (const [k] of ctx.headers) counts.set(k.toLowerCase(), (counts.get(k.toLowerCase()) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Keys of the objects (non-JSON values) each side may have alone. */
export const OBJECT_ONLY_GUNICORN = ['gunicorn.socket'];
