// What a staging launch promises about a Django project — DEBUG off, its own SECRET_KEY, a host Django will
// answer — checked by asking Django itself (settings loaded with the launch's interpreter and environment, as
// the workers will load them), and said in words a Django developer can act on.
import { run } from './detect/verify.js';

/** What Django reports about its settings in the launch's environment. */
export interface DjangoFacts {
  readonly debug: boolean;
  readonly secretKeyDefault: boolean;
  readonly allowedHosts: readonly string[];
  /** Per host the app is reached at: does Django's own validate_host accept it (with DEBUG's defaults)? */
  readonly hostAllowed: Readonly<Record<string, boolean>>;
  /** The same with DEBUG off and the ALLOWED_HOSTS as written. */
  readonly hostAllowedWithoutDebug: Readonly<Record<string, boolean>>;
  readonly staticfiles: boolean;
  readonly staticUrl: string | null;
  readonly staticRoot: string | null;
  readonly settingsModule: string;
  readonly settingsFile: string | null;
  /** The settings file mentions DJANGO_DEBUG (a hint for the advice only). */
  readonly readsDebugEnv: boolean;
}

const PROBE = `
import json, os, sys
sys.path.insert(0, sys.argv[1])
import django
from django.conf import settings
django.setup()
from django.http.request import validate_host
hosts = list(settings.ALLOWED_HOSTS)
# Django's own rule (HttpRequest.get_host): with DEBUG on and no ALLOWED_HOSTS, local names are allowed.
effective = hosts if (hosts or not settings.DEBUG) else ['.localhost', '127.0.0.1', '[::1]']
mod = sys.modules.get(os.environ.get('DJANGO_SETTINGS_MODULE', ''))
path = getattr(mod, '__file__', None)
text = ''
if path:
    try:
        text = open(path, encoding='utf-8', errors='replace').read()
    except OSError:
        pass
print('GANTRY-DJANGO ' + json.dumps({
    'debug': bool(settings.DEBUG),
    'secretKeyDefault': str(settings.SECRET_KEY).startswith('django-insecure-'),
    'allowedHosts': [str(h) for h in hosts],
    'hostAllowed': {h: bool(validate_host(h, effective)) for h in sys.argv[2:]},
    'hostAllowedWithoutDebug': {h: bool(validate_host(h, hosts)) for h in sys.argv[2:]},
    'staticfiles': 'django.contrib.staticfiles' in settings.INSTALLED_APPS,
    'staticUrl': str(settings.STATIC_URL) if settings.STATIC_URL else None,
    'staticRoot': str(settings.STATIC_ROOT) if settings.STATIC_ROOT else None,
    'settingsModule': os.environ.get('DJANGO_SETTINGS_MODULE', ''),
    'settingsFile': path,
    'readsDebugEnv': 'DJANGO_DEBUG' in text,
}))
`;

export type DjangoProbe = { ok: true; facts: DjangoFacts } | { ok: false; output: string };

/** Loads the project's settings with `python` and `env` (as a worker would) and reports the facts above. */
export async function probeDjango(
  python: string,
  folder: string,
  env: NodeJS.ProcessEnv,
  hosts: readonly string[],
  timeoutMs: number,
): Promise<DjangoProbe> {
  const r = await run(python, ['-c', PROBE, folder, ...hosts], { cwd: folder, env, timeoutMs });
  const line = /^GANTRY-DJANGO (.*)$/m.exec(r.stdout)?.[1];
  if (r.code !== 0 || !line) return { ok: false, output: (r.stdout + r.stderr).trim() || r.error || `exited with ${r.code}` };
  return { ok: true, facts: JSON.parse(line) as DjangoFacts };
}

export interface PromiseFinding {
  /** failed: the app would not serve what the launch promises (every request refused); warning: it serves, but not as promised. */
  readonly severity: 'ok' | 'warning' | 'failed';
  readonly text: string;
}

/**
 * The findings, one per promise. `env` is the launch's environment (to say which variable the profile set),
 * `urls` the addresses the app is reached at (by host).
 */
export function judgeDjango(f: DjangoFacts, env: Readonly<Record<string, string | undefined>>, profile: string): PromiseFinding[] {
  const out: PromiseFinding[] = [];
  const file = f.settingsFile ?? `${f.settingsModule.replace(/\./g, '/')}.py`;
  if (f.debug) {
    const set = env.DJANGO_DEBUG !== undefined ? `The ${profile} profile sets DJANGO_DEBUG=${env.DJANGO_DEBUG}, but ` : '';
    const why = f.readsDebugEnv
      ? `${file} still ends up with DEBUG = True (check how it parses DJANGO_DEBUG)`
      : `${file} sets DEBUG = True and never reads DJANGO_DEBUG`;
    out.push({
      severity: 'warning',
      text: `DEBUG is on. ${set}${why}, so an error page shows tracebacks and settings to anyone. Make DEBUG come from the environment, e.g. DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True".`,
    });
  } else {
    out.push({ severity: 'ok', text: 'DEBUG is off.' });
  }
  if (f.secretKeyDefault) {
    out.push({
      severity: 'warning',
      text: `SECRET_KEY is the one startproject wrote into ${file} (it starts with "django-insecure-"), so anyone with the source can forge sessions and password-reset links. Read it from the environment, e.g. SECRET_KEY = os.environ["DJANGO_SECRET_KEY"], and set DJANGO_SECRET_KEY in the ${profile} profile's environment (it is masked).`,
    });
  } else {
    out.push({ severity: 'ok', text: 'SECRET_KEY is not the startproject default.' });
  }
  const hosts = Object.keys(f.hostAllowed);
  const refused = hosts.filter((h) => !f.hostAllowed[h]);
  const shown = `ALLOWED_HOSTS = ${JSON.stringify(f.allowedHosts)}`;
  if (refused.length > 0) {
    out.push({
      severity: 'failed',
      text: `${shown} does not include ${refused.join(', ')}, so Django answers every request to ${refused.map((h) => `http://${h}`).join(', ')} with 400 Bad Request (DisallowedHost). Add ${refused.map((h) => `"${h}"`).join(', ')} to ALLOWED_HOSTS in ${file}.`,
    });
  } else if (hosts.length > 0 && hosts.some((h) => !f.hostAllowedWithoutDebug[h])) {
    out.push({
      severity: 'warning',
      text: `${shown} allows ${hosts.join(', ')} only because DEBUG is on; once DEBUG is off Django will answer 400 Bad Request. Add ${hosts.map((h) => `"${h}"`).join(', ')} to ALLOWED_HOSTS.`,
    });
  } else if (hosts.length > 0) {
    out.push({ severity: 'ok', text: `${shown} allows ${hosts.join(', ')}.` });
  }
  return out;
}
