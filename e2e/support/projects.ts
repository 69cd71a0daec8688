// Projects the specs add through the API (setup a user would do by hand in the Add screen, which other steps
// test): a copy of the demo, a fresh `django-admin startproject`, and a free port to bind them to.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApiClient } from '@gantry/server-core/client';
import type { AddAppBody } from '@gantry/server-core/contract';
import { REPO_ROOT } from './fixtures';

/** Debian's interpreter, which has Django and Flask (`python3` first on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function demoCopy(): string {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'gantry-e2e-demo-')), 'hello');
  cpSync(path.join(REPO_ROOT, 'app/examples/hello'), folder, { recursive: true });
  return folder;
}

/** `django-admin startproject mysite` into a fresh folder, untouched: DEBUG = True, the insecure key, no hosts. */
export function startproject(): string {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'gantry-e2e-django-')), 'site');
  mkdirSync(folder);
  execFileSync(SYSTEM_PYTHON, ['-m', 'django', 'startproject', 'mysite', folder]);
  return folder;
}

export async function addApp(api: ApiClient, body: AddAppBody): Promise<string> {
  return (await api.call('addApp', { body })).app.definition.id;
}
