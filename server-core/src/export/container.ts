// The settings a container runs with: the profile's, with what cannot be the same inside an image changed and
// each change said in a comment. A container listens on all its interfaces (its network is private), keeps
// the project in /app and its virtualenv in /opt/venv, logs to stdout/stderr, and always has the metrics
// listener on, for the health checks and Prometheus.
import path from 'node:path';
import type { AppSettings } from '../config/settings-table.js';
import type { ExportInput, ExportOptions } from './types.js';

export const CONTAINER_APP_DIR = '/app';
export const CONTAINER_VENV = '/opt/venv';
export const CONTAINER_GANTRY_DIR = '/opt/gantry';
/** Gantry's launcher inside the image. */
export const CONTAINER_GANTRY = ['node', `${CONTAINER_GANTRY_DIR}/server-core/bin/gantry.js`];
export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

export interface ContainerSettings {
  readonly settings: AppSettings;
  /** One line per change, for the file's header comment. */
  readonly changes: string[];
}

/** A path under the project folder as seen in the image, or null when it is outside the project. */
function inImage(folder: string, p: string): string | null {
  const rel = path.relative(folder, p);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel === '' ? CONTAINER_APP_DIR : `${CONTAINER_APP_DIR}/${rel.split(path.sep).join('/')}`;
}

export function containerSettings(input: ExportInput, o: ExportOptions): ContainerSettings {
  const s = input.settings;
  const changes: string[] = [];
  const out: AppSettings = structuredClone(s);
  out.bind = [`0.0.0.0:${o.containerPort}`];
  changes.push(`bind ${s.bind.join(' ')} -> 0.0.0.0:${o.containerPort} (the container's own network)`);
  out.chdir = CONTAINER_APP_DIR;
  out.python = `${CONTAINER_VENV}/bin/python`;
  changes.push(`chdir and python -> ${CONTAINER_APP_DIR}, ${CONTAINER_VENV}/bin/python (the image's layout)`);
  const newMetrics = `0.0.0.0:${o.metricsPort}`;
  if (s.metricsBind !== newMetrics) {
    out.metricsBind = newMetrics;
    changes.push(
      `metrics-bind ${s.metricsBind || '(off)'} -> ${newMetrics} (${HEALTH_PATH} for health checks, ${METRICS_PATH} for Prometheus)`,
    );
  }
  for (const key of ['accessLogfile', 'errorLogfile'] as const) {
    if (s[key] !== '' && s[key] !== '-') {
      out[key] = '-';
      changes.push(`${key === 'accessLogfile' ? 'access-logfile' : 'error-logfile'} ${s[key]} -> - (containers log to stdout/stderr)`);
    }
  }
  out.pythonpath = s.pythonpath.map((p) => (path.isAbsolute(p) ? (inImage(input.folder, p) ?? p) : p));
  const statics: Record<string, string> = {};
  for (const [url, dir] of Object.entries(s.static)) statics[url] = path.isAbsolute(dir) ? (inImage(input.folder, dir) ?? dir) : dir;
  out.static = statics;
  if (s.reload) {
    out.reload = false;
    changes.push('reload on -> off (an image does not change under the running app)');
  }
  return { settings: out, changes };
}
