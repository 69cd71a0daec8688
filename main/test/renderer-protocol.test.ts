// gantry://ui serves renderer/dist and nothing else, with the strict CSP on every response.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/csp.js';
import { RENDERER_INDEX_URL, resolveRendererFile, serveRendererRequest } from '../src/renderer-protocol.js';

const API = 'http://127.0.0.1:43817';
let root: string;
beforeAll(async () => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-renderer-'));
  root = path.join(base, 'dist');
  await fs.mkdir(path.join(root, 'assets'), { recursive: true });
  await fs.writeFile(path.join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  await fs.writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  await fs.writeFile(path.join(base, 'secret.txt'), 'outside the renderer');
});
afterAll(async () => {
  await fs.rm(path.dirname(root), { recursive: true, force: true });
});

describe('CSP', () => {
  const csp = contentSecurityPolicy(API);
  const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

  it('lets the page talk to the control API origin and nowhere else', () => {
    expect(directives['connect-src']).toBe('http://127.0.0.1:43817');
  });

  it('runs only the app’s own scripts: no inline, no eval, no remote', () => {
    expect(directives['script-src']).toBe("'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(directives['default-src']).toBe("'none'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['form-action']).toBe("'none'");
  });

  it('normalises the origin (no path) and refuses non-URLs', () => {
    expect(contentSecurityPolicy('http://127.0.0.1:5000/api/')).toContain('connect-src http://127.0.0.1:5000;');
    expect(() => contentSecurityPolicy('not a url')).toThrow();
    expect(() => contentSecurityPolicy('gantry://ui')).toThrow();
  });
});

describe('resolveRendererFile', () => {
  it('maps the index, assets and client-side routes', () => {
    expect(resolveRendererFile(root, RENDERER_INDEX_URL)).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'gantry://ui/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'gantry://ui/apps/blog/requests')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'gantry://ui/assets/app.js?v=1#x')).toBe(path.join(root, 'assets', 'app.js'));
  });

  it('never leaves the renderer folder', () => {
    for (const url of [
      'gantry://ui/../secret.txt',
      'gantry://ui/%2e%2e/secret.txt',
      'gantry://ui/assets/%2e%2e/%2e%2e/secret.txt',
      'gantry://ui/..%2fsecret.txt',
      'gantry://ui/..%5csecret.txt',
      'gantry://ui/a%00.js',
    ]) {
      const file = resolveRendererFile(root, url);
      expect(file === null || file.startsWith(root + path.sep), url).toBe(true);
    }
  });

  it('answers only its own scheme and host', () => {
    expect(resolveRendererFile(root, 'gantry://other/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveRendererFile(root, 'https://ui/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'gantry://ui/%E0%A4%A')).toBeNull();
  });
});

describe('serveRendererRequest', () => {
  it('serves files with their type and the CSP header', async () => {
    const res = await serveRendererRequest(root, API, 'gantry://ui/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy(API));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log(1)');
    const index = await serveRendererRequest(root, API, RENDERER_INDEX_URL);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain('connect-src http://127.0.0.1:43817');
  });

  it('404s for missing files and escapes', async () => {
    expect((await serveRendererRequest(root, API, 'gantry://ui/assets/missing.js')).status).toBe(404);
    expect((await serveRendererRequest(root, API, 'gantry://ui/../secret.txt')).status).not.toBe(200);
    const evil = await serveRendererRequest(root, API, 'gantry://evil/index.html');
    expect(evil.status).toBe(404);
    expect(evil.headers.get('content-security-policy')).toBe(contentSecurityPolicy(API)); // every response, even errors
  });
});
