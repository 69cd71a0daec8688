// Entry point candidates, each with a reason and a score: [tool.gantry].app, a Procfile's gunicorn/uwsgi line,
// Django (manage.py -> DJANGO_SETTINGS_MODULE -> WSGI_APPLICATION or */wsgi.py), Flask (an app object or a
// create_app factory in app.py/wsgi.py/...), and a bare WSGI `application` callable.
import fs from 'node:fs/promises';
import path from 'node:path';
import { entryPointSchema } from '../../config/settings.js';
import type { EntryCandidate } from '../../control/contract.js';

const read = (f: string): Promise<string | null> => fs.readFile(f, 'utf8').catch(() => null);

export interface DjangoInfo {
  readonly settingsModule: string;
  readonly managePy: string;
}

export async function findEntryPoints(
  folder: string,
  pyprojectApp?: string,
): Promise<{ candidates: EntryCandidate[]; django: DjangoInfo | null }> {
  const found: EntryCandidate[] = [];
  const add = (c: EntryCandidate): void => {
    if (!entryPointSchema.safeParse(c.app).success) return;
    const prev = found.findIndex((x) => x.app === c.app);
    if (prev < 0) found.push(c);
    else if (found[prev]!.score < c.score) found[prev] = { ...c, reason: `${c.reason}; ${found[prev]!.reason}` };
  };

  if (pyprojectApp)
    add({
      app: pyprojectApp,
      framework: 'pyproject',
      reason: '[tool.gantry] app in pyproject.toml',
      score: 110,
      env: {},
      file: 'pyproject.toml',
    });

  const procfile = await read(path.join(folder, 'Procfile'));
  if (procfile) for (const c of procfileCandidates(procfile)) add(c);

  let flaskApp: { spec: string; file: string } | null = null;
  for (const envFile of ['.flaskenv', '.env']) {
    const text = await read(path.join(folder, envFile));
    const m = text ? /^(?:export\s+)?FLASK_APP\s*=\s*['"]?([\w.]+(?::[\w.]+(?:\(\))?)?)['"]?\s*$/m.exec(text) : null;
    if (m) {
      flaskApp = { spec: m[1]!, file: envFile };
      break;
    }
  }
  if (flaskApp?.spec.includes(':'))
    add({
      app: flaskApp.spec,
      framework: 'flask',
      reason: `${flaskApp.file} sets FLASK_APP=${flaskApp.spec}`,
      score: 92,
      env: {},
      file: flaskApp.file,
    });

  const django = await djangoCandidates(folder, add);
  await flaskAndWsgiCandidates(folder, add);
  if (flaskApp && !flaskApp.spec.includes(':')) {
    // FLASK_APP=module: Flask looks inside for its app; so do we, ranking what the scan found in it first.
    const mod = flaskApp.spec;
    const inModule = found.filter((c) => c.app.split(':')[0] === mod);
    for (const c of inModule)
      found[found.indexOf(c)] = { ...c, score: c.score + 10, reason: `${flaskApp.file} sets FLASK_APP=${mod}; ${c.reason}` };
    if (inModule.length === 0)
      add({
        app: `${mod}:app`,
        framework: 'flask',
        reason: `${flaskApp.file} sets FLASK_APP=${mod}`,
        score: 88,
        env: {},
        file: flaskApp.file,
      });
  }
  found.sort((a, b) => b.score - a.score);
  return { candidates: found, django };
}

const GUNICORN_VALUE_OPTS = new Set([
  '-b',
  '--bind',
  '-w',
  '--workers',
  '-k',
  '--worker-class',
  '-c',
  '--config',
  '--chdir',
  '-t',
  '--timeout',
  '--threads',
  '--log-level',
  '--access-logfile',
  '--error-logfile',
  '--log-file',
  '-e',
  '--env',
  '--pythonpath',
  '-n',
  '--name',
  '--max-requests',
  '--max-requests-jitter',
  '--graceful-timeout',
  '--keep-alive',
  '-u',
  '--user',
  '-g',
  '--group',
  '--worker-connections',
  '--access-logformat',
  '--forwarded-allow-ips',
  '--backlog',
  '-p',
  '--pid',
]);

export function procfileCandidates(text: string): EntryCandidate[] {
  const out: EntryCandidate[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*web\s*:\s*(.+)$/.exec(line);
    if (!m) continue;
    const tokens = m[1]!.trim().split(/\s+/);
    const gi = tokens.findIndex((t) => /(^|\/)gunicorn$/.test(t));
    if (gi >= 0) {
      const rest = tokens.slice(gi + 1);
      const settings: { chdir?: string; pythonpath?: string[] } = {};
      let app: string | null = null;
      for (let i = 0; i < rest.length; i++) {
        const t = rest[i]!;
        if (t.startsWith('-')) {
          const [flag, inline] = t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined];
          const value = inline ?? (GUNICORN_VALUE_OPTS.has(flag) ? rest[++i] : undefined);
          // The flags that change where the module is found matter to detection and to the app's settings.
          if (flag === '--chdir' && value) settings.chdir = value;
          if (flag === '--pythonpath' && value) settings.pythonpath = value.split(',');
          continue;
        }
        app ??= t;
      }
      if (app) {
        out.push({
          app: app.includes(':') ? app : `${app}:application`,
          framework: 'procfile',
          reason: `Procfile web: gunicorn ${app}`,
          score: 95,
          env: {},
          file: 'Procfile',
          ...(Object.keys(settings).length > 0 ? { settings } : {}),
        });
      }
    }
    const ui = tokens.findIndex((t) => /(^|\/)uwsgi$/.test(t));
    if (ui >= 0) {
      const rest = tokens.slice(ui + 1);
      for (let i = 0; i < rest.length; i++) {
        const t = rest[i]!;
        const inline = /^--(?:module|wsgi)=(.+)$/.exec(t);
        const mod = inline ? inline[1] : t === '--module' || t === '--wsgi' || t === '-w' ? rest[i + 1] : undefined;
        if (mod) {
          out.push({
            app: mod.includes(':') ? mod : `${mod}:application`,
            framework: 'procfile',
            reason: `Procfile web: uwsgi --module ${mod}`,
            score: 95,
            env: {},
            file: 'Procfile',
          });
          break;
        }
      }
    }
  }
  return out;
}

async function djangoCandidates(folder: string, add: (c: EntryCandidate) => void): Promise<DjangoInfo | null> {
  const managePath = path.join(folder, 'manage.py');
  const manage = await read(managePath);
  if (!manage) return null;
  const sm = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(manage)?.[1];
  if (!sm) return null;
  const env = { DJANGO_SETTINGS_MODULE: sm };
  const settingsFile = path.join(folder, ...sm.split('.')) + '.py';
  const settings = (await read(settingsFile)) ?? (await read(path.join(folder, ...sm.split('.'), '__init__.py')));
  const wsgiApp = settings ? /^WSGI_APPLICATION\s*=\s*['"]([\w.]+)['"]/m.exec(settings)?.[1] : undefined;
  if (wsgiApp) {
    const at = wsgiApp.lastIndexOf('.');
    add({
      app: `${wsgiApp.slice(0, at)}:${wsgiApp.slice(at + 1)}`,
      framework: 'django',
      reason: `manage.py -> ${sm} -> WSGI_APPLICATION = '${wsgiApp}'`,
      score: 100,
      env,
      file: path.relative(folder, settingsFile),
    });
  }
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const wsgi = await read(path.join(folder, e.name, 'wsgi.py'));
    if (wsgi && /\bapplication\s*=/.test(wsgi)) {
      add({
        app: `${e.name}.wsgi:application`,
        framework: 'django',
        reason: `manage.py (DJANGO_SETTINGS_MODULE=${sm}) and ${e.name}/wsgi.py defines application`,
        score: 80,
        env,
        file: `${e.name}/wsgi.py`,
      });
    }
  }
  return { settingsModule: sm, managePy: managePath };
}

const FLASK_FILES = ['wsgi.py', 'app.py', 'application.py', 'main.py', 'server.py'];

async function flaskAndWsgiCandidates(folder: string, add: (c: EntryCandidate) => void): Promise<void> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  const pyFiles = entries
    .filter((e) => e.isFile() && /^[A-Za-z_]\w*\.py$/.test(e.name) && e.name !== 'manage.py' && e.name !== 'setup.py')
    .map((e) => e.name);
  // Conventional names first, then any other top-level module.
  pyFiles.sort((a, b) => rank(a) - rank(b));
  for (const file of pyFiles) {
    const text = await read(path.join(folder, file));
    if (!text) continue;
    const mod = file.slice(0, -3);
    const bonus = FLASK_FILES.includes(file) ? 5 - FLASK_FILES.indexOf(file) : 0;
    const flaskObj = /^(\w+)\s*=\s*(?:flask\.)?Flask\(/m.exec(text)?.[1];
    if (flaskObj)
      add({
        app: `${mod}:${flaskObj}`,
        framework: 'flask',
        reason: `${file} creates a Flask app object "${flaskObj}"`,
        score: 85 + bonus,
        env: {},
        file,
      });
    if (/^def\s+create_app\s*\(/m.test(text))
      add({
        app: `${mod}:create_app()`,
        framework: 'flask',
        reason: `${file} defines a create_app() factory`,
        score: 82 + bonus,
        env: {},
        file,
      });
    const importsApp = /^from\s+([\w.]+)\s+import\s+(?:create_app|app)\b/m.exec(text);
    if (/^(?:application|app)\s*=/m.test(text) && importsApp && !flaskObj) {
      const name = /^application\s*=/m.test(text) ? 'application' : 'app';
      add({
        app: `${mod}:${name}`,
        framework: 'flask',
        reason: `${file} imports from ${importsApp[1]} and defines "${name}"`,
        score: 84 + bonus,
        env: {},
        file,
      });
    }
    if (
      /^def\s+application\s*\(\s*environ\s*,\s*start_response/m.test(text) ||
      (/^application\s*=/m.test(text) && !importsApp && !flaskObj)
    ) {
      add({
        app: `${mod}:application`,
        framework: 'wsgi',
        reason: `${file} defines a WSGI callable "application"`,
        score: 60 + bonus,
        env: {},
        file,
      });
    }
  }
}

function rank(file: string): number {
  const i = FLASK_FILES.indexOf(file);
  return i < 0 ? FLASK_FILES.length : i;
}
