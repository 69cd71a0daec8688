// The bundled demo app (app/examples/hello, `hello:application`), offered on first run so something works at once.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_APP_ID = 'hello-demo';
export const DEMO_APP_NAME = 'Hello (demo)';
export const DEMO_ENTRY = 'hello:application';

/** The demo's folder in a source checkout or an installed package (dist/host -> repo/app/examples/hello). */
export function defaultDemoFolder(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../../../..']) {
    const dir = path.resolve(here, up, 'app', 'examples', 'hello');
    if (existsSync(path.join(dir, 'hello.py'))) return dir;
  }
  return null;
}
