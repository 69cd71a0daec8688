// Serves `--static URL=DIR` maps in the gateway, before the app: GET/HEAD, validators, single ranges, no traversal.
// Wiring: build once per app with `const serveStatic = createStaticHandler(settings.static)`; in the request
// handler call `if (serveStatic(req, res)) return;` before dispatching to a worker. A true return means this
// module owns the response (it finishes it asynchronously, including 4xx/5xx); false means "not a static path".
// `serveStatic.prefixes` lists the mounts (longest first) if the access log wants to tag static hits.
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { contentTypeOf } from '../mime-types.js';

export type StaticMap = Readonly<Record<string, string>>;

export interface StaticHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  readonly prefixes: readonly string[];
}

export interface StaticHandlerOptions {
  /** Folder DIRs are resolved against (the app's chdir). Default: process.cwd(). */
  readonly cwd?: string;
  /** Serve files and folders whose name starts with a dot (`.env`, `.git/`); off by default. */
  readonly dotfiles?: boolean;
  /** Called when serving fails unexpectedly (the client got 500 or a cut connection). Libraries don't print. */
  readonly onError?: (err: unknown, req: IncomingMessage) => void;
}

interface Mount {
  readonly prefix: string; // no trailing slash, except the root mount "/" which is ""
  readonly dir: string; // absolute, as configured
  real: string | null; // realpath of dir, resolved lazily (the folder may appear after start)
}

export function createStaticHandler(map: StaticMap, options: StaticHandlerOptions = {}): StaticHandler {
  const cwd = options.cwd ?? process.cwd();
  const mounts: Mount[] = Object.entries(map)
    .map(([url, dir]) => ({ prefix: url.replace(/\/+$/, ''), dir: resolve(cwd, dir), real: null }))
    .sort((a, b) => b.prefix.length - a.prefix.length); // longest prefix wins: /static/img before /static

  const handler = ((req: IncomingMessage, res: ServerResponse): boolean => {
    if (mounts.length === 0) return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    // Match on the raw path: a prefix spelled with escapes is not ours, and the app gets it.
    for (const mount of mounts) {
      const p = mount.prefix;
      if (rawPath === p || (rawPath.startsWith(p) && rawPath.charCodeAt(p.length) === 47) /* / */) {
        serve(mount, rawPath.slice(p.length), rawPath, url, req, res, options.dotfiles === true).catch((err) => {
          options.onError?.(err, req);
          if (!res.headersSent) sendText(res, 500, 'Internal Server Error\n', req.method === 'HEAD');
          else res.destroy();
        });
        return true;
      }
    }
    return false;
  }) as StaticHandler;
  Object.defineProperty(handler, 'prefixes', { value: mounts.map((m) => m.prefix || '/') });
  return handler;
}

/** The path under the mount as safe segments, or a status to answer with. Decodes exactly once. */
export function safeSegments(rest: string, dotfiles = false): string[] | 400 | 404 {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return 400; // malformed percent-encoding
  }
  // NUL truncates paths in C land; a backslash is a separator on Windows and never a legitimate URL byte here.
  if (decoded.includes('\0') || decoded.includes('\\')) return 404;
  const out: string[] = [];
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue; // "//etc/passwd" stays inside DIR: join() never sees an absolute path
    if (seg === '..') return 404;
    // `.env`, `.git/config`, `.htpasswd`: a folder served whole is rarely meant to publish these.
    if (!dotfiles && seg.charCodeAt(0) === 46 /* . */) return 404;
    out.push(seg);
  }
  return out;
}

async function serve(
  mount: Mount,
  rest: string,
  rawPath: string,
  url: string,
  req: IncomingMessage,
  res: ServerResponse,
  dotfiles: boolean,
): Promise<void> {
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  if (method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'Method Not Allowed\n', false);
    return;
  }
  const segments = safeSegments(rest, dotfiles);
  if (segments === 400) return sendText(res, 400, 'Bad Request\n', head);
  if (segments === 404) return sendText(res, 404, 'Not Found\n', head);

  const root = await mountRoot(mount);
  if (root === null) return sendText(res, 404, 'Not Found\n', head);
  let target = await confined(root, join(root, ...segments));
  if (target === null) return sendText(res, 404, 'Not Found\n', head);
  let st = target.stats;
  if (st.isDirectory()) {
    // Redirect /static/docs to /static/docs/ so relative links in its index.html resolve (as nginx does).
    if (!rawPath.endsWith('/')) {
      const q = url.indexOf('?');
      res.setHeader('Location', rawPath + '/' + (q === -1 ? '' : url.slice(q)));
      return sendText(res, 301, 'Moved Permanently\n', head);
    }
    target = await confined(root, join(target.path, 'index.html'));
    if (target === null || !target.stats.isFile()) return sendText(res, 404, 'Not Found\n', head);
    st = target.stats;
  } else if (!st.isFile()) {
    return sendText(res, 404, 'Not Found\n', head); // sockets, fifos, devices
  }
  sendFile(target.path, st, req, res, head);
}

async function mountRoot(mount: Mount): Promise<string | null> {
  if (mount.real !== null) return mount.real;
  try {
    mount.real = await fsp.realpath(mount.dir);
    return mount.real;
  } catch {
    return null;
  }
}

/** realpath + stat, but only if the real path stays inside root: a symlink pointing out of DIR is a 404. */
async function confined(root: string, candidate: string): Promise<{ path: string; stats: Stats } | null> {
  let real: string;
  try {
    real = await fsp.realpath(candidate);
  } catch {
    return null;
  }
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    return { path: real, stats: await fsp.stat(real) };
  } catch {
    return null;
  }
}

function weakEtag(st: Pick<Stats, 'size' | 'mtimeMs'>): string {
  return `W/"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`;
}

function sendFile(path: string, st: Stats, req: IncomingMessage, res: ServerResponse, head: boolean): void {
  const etag = weakEtag(st);
  const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString();
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', lastModified);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('X-Content-Type-Options', 'nosniff');

  if (notModified(req, etag, st.mtimeMs)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', contentTypeOf(path));

  let start = 0;
  let end = st.size - 1;
  let status = 200;
  const rangeHeader = req.headers.range;
  if (rangeHeader !== undefined && ifRangeHolds(req.headers['if-range'] as string | undefined, etag, lastModified)) {
    const range = parseRange(rangeHeader, st.size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${st.size}`);
      return sendText(res, 416, 'Range Not Satisfiable\n', head);
    }
    if (range !== null) {
      [start, end] = range;
      status = 206;
      res.setHeader('Content-Range', `bytes ${start}-${end}/${st.size}`);
    }
  }
  res.statusCode = status;
  const length = end - start + 1;
  res.setHeader('Content-Length', length);
  if (head || length === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(path, { start, end });
  // pipe() gives back-pressure; a client that goes away must not leave the file descriptor open.
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/** RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since; weak comparison for both. */
function notModified(req: IncomingMessage, etag: string, mtimeMs: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    const ours = opaque(etag);
    return inm.split(',').some((t) => opaque(t.trim()) === ours);
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
  }
  return false;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

// If-Range should use a strong validator; ours are weak, so we accept only an exact echo of what we sent
// (same practice as `send`/express). Anything else: the representation may have changed, send it whole.
function ifRangeHolds(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const v = ifRange.trim();
  return v === etag || v === lastModified;
}

/**
 * One `bytes=` range → [start, end] inclusive; null = ignore the header (bad syntax, other unit, several
 * ranges: we answer 200 with the whole file, which RFC 9110 allows); 'unsatisfiable' → 416.
 */
export function parseRange(header: string, size: number): [number, number] | null | 'unsatisfiable' {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (m === null) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return null; // invalid range spec: ignore it
  if (start >= size) return 'unsatisfiable';
  return [start, end];
}

function sendText(res: ServerResponse, status: number, body: string, head: boolean): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(head ? undefined : body);
}
