// Serves the built renderer (renderer/dist) at `/`, or a placeholder page when it is not built. The shell holds no
// secret, so it needs none: the token reaches the page in the URL fragment (`/#token=…`, never sent to a server)
// and lives in the tab's sessionStorage. Served with the UI's Content-Security-Policy.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { contentTypeOf } from '../mime-types.js';
import { contentSecurityPolicy } from './csp.js';
import { refuse } from './error-reply.js';
import { checkToken, type Gate } from './security.js';

export function defaultRendererDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'renderer', 'dist');
}

type StaticFile = { kind: 'file'; body: Buffer; type: string } | { kind: 'index' } | { kind: 'missing' };

/** Resolves a URL path inside dir; `index` for the page itself and for client-side routes (no extension). */
async function lookupStatic(dir: string, urlPath: string): Promise<StaticFile> {
  let clean: string;
  try {
    clean = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return { kind: 'missing' };
  }
  if (clean === '/' || clean === '/index.html' || !path.extname(clean)) return { kind: 'index' };
  // The build uses relative asset URLs (it also runs from gantry://), so a page at /apps/x asks for
  // /apps/x/assets/…: fall back to the part from /assets/ on.
  const at = clean.lastIndexOf('/assets/');
  for (const candidate of at > 0 ? [clean, clean.slice(at)] : [clean]) {
    const file = path.resolve(dir, '.' + candidate);
    if (!file.startsWith(dir + path.sep)) continue; // traversal
    try {
      const body = await fs.readFile(file);
      return { kind: 'file', body, type: contentTypeOf(file) };
    } catch {
      /* try the next candidate */
    }
  }
  return { kind: 'missing' };
}

async function indexHtml(dir: string): Promise<string> {
  const file = path.join(dir, 'index.html');
  return existsSync(file) ? fs.readFile(file, 'utf8') : PLACEHOLDER;
}

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gantry</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto">
<h1>Gantry</h1><p>The control API is running. The UI is not built yet: run <code>npm run build -w renderer</code>.</p>
<p>Meanwhile, <code>gantry apps list</code> drives the same API.</p></body></html>`;

/** A URL path decoded and with runs of slashes collapsed, lower-cased: how it reads, not how it is spelled. */
function normalisedPath(url: string): string {
  let p = url;
  try {
    p = decodeURIComponent(url);
  } catch {
    /* keep it raw */
  }
  return p.replace(/\/{2,}/g, '/').toLowerCase();
}

/**
 * The UI: everything no route answers. Its files hold no secret (the token comes in the URL fragment), so they need
 * none: nothing a browser sends by itself is ever asked for, or honoured.
 */
export function registerUi(app: FastifyInstance, gate: Gate, rendererDir: string): void {
  const csp = contentSecurityPolicy("'self'");
  app.setNotFoundHandler(async (req, reply) => {
    const url = req.url.split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(reply, 404, 'GANTRY_ERR_NOT_FOUND', `no route ${req.method} ${url}`);
    // However a path is spelled (`//api/x`, `/%61pi/x`), what looks like the API is never answered as the UI.
    if (/^\/(api|metrics)(\/|$)/.test(normalisedPath(url))) {
      const tv = checkToken(gate, req.headers, null);
      if (!tv.ok) return refuse(reply, tv.status, tv.code, tv.message);
      return refuse(reply, 404, 'GANTRY_ERR_NOT_FOUND', `no route ${req.method} ${url}`);
    }
    const found = await lookupStatic(rendererDir, url);
    if (found.kind === 'missing') return refuse(reply, 404, 'GANTRY_ERR_NOT_FOUND', `no file ${url}`);
    reply.header('content-security-policy', csp);
    if (found.kind === 'index')
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(await indexHtml(rendererDir));
    return reply.type(found.type).header('cache-control', 'no-cache').send(found.body);
  });
}
