// The folder browser's "looks like a Python project" hint: project files, or a .py file defining a WSGI app
// (the bundled demo, app/examples/hello, is a single hello.py), and not any folder with Python in it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFolder } from '../../src/host/fs-list.js';
import { defaultDemoFolder } from '../../src/host/demo.js';
import { tempDirScope } from '../helpers/tempdir.js';

const root = tempDirScope('gantry-fs-');

async function put(rel: string, text = ''): Promise<void> {
  await mkdir(dirname(join(root.path, rel)), { recursive: true });
  await writeFile(join(root.path, rel), text);
}

describe('GET /api/fs looksLikeProject', () => {
  it('marks the bundled demo app (a lone hello.py with a WSGI callable)', async () => {
    const demo = defaultDemoFolder()!;
    const listing = await listFolder(dirname(demo));
    expect(listing.dirs.find((d) => d.path === demo)).toMatchObject({ looksLikeProject: true, projectHint: 'hello.py defines a WSGI app' });
  });

  it('recognises project files and WSGI sources; leaves plain folders and scripts alone', async () => {
    await put('django/manage.py', 'import sys');
    await put('req/requirements.txt', 'flask');
    await put('poetry/pyproject.toml', '[tool.poetry]');
    await put('bare-wsgi/site.py', 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"hi"]\n');
    await put('flask/server.py', 'from flask import Flask\napp = Flask(__name__)\n');
    await put('factory/web.py', 'def create_app():\n    pass\n');
    await put('assigned/main.py', 'from somewhere import make\napplication = make()\n');
    await put('scripts/tool.py', 'print("not a web app")\n');
    await put('empty/.keep');
    await put('docs/readme.md', '# hi');
    const listing = await listFolder(root.path);
    const marked = Object.fromEntries(listing.dirs.map((d) => [d.name, d.looksLikeProject]));
    expect(marked).toEqual({
      assigned: true,
      'bare-wsgi': true,
      django: true,
      docs: false,
      empty: false,
      factory: true,
      flask: true,
      poetry: true,
      req: true,
      scripts: false,
    });
    expect(listing.dirs.find((d) => d.name === 'django')!.projectHint).toBe('manage.py');
  });
});
