// What every exporter takes: the app's effective settings for one profile (unmasked: secrets are kept out of the
// files by the renderers, not by the caller) and the deployment choices a settings table cannot know.
// Renderers are pure functions of this input: same input, same bytes.
import type { AppSettings } from '../config/settings-table.js';
import type { ExportFile, ExportTarget } from '../control/contract.js';

export interface ExportInput {
  readonly appId: string;
  readonly name: string;
  /** Absolute project folder. */
  readonly folder: string;
  readonly profile: string;
  /** Effective settings of the profile, `python` filled with the detected virtualenv where there is one. */
  readonly settings: AppSettings;
  /** Env names whose values are secret (marked, or matching the secret-name pattern). */
  readonly secretEnvKeys: readonly string[];
  /** Largest resident memory Gantry has measured for one of the app's workers, if it has seen it run. */
  readonly workerRssBytes: number | null;
  /** Files of interest found at the top of the project (requirements*.txt, pyproject.toml, poetry.lock, Pipfile, Pipfile.lock, manage.py), sorted. */
  readonly projectFiles: readonly string[];
}

export interface ExportOptions {
  readonly server: 'gantry' | 'gunicorn';
  readonly includeSecrets: boolean;
  /** The `gantry` command on the server (systemd); absolute. */
  readonly gantryCommand: string;
  /** System user the service runs as (systemd). */
  readonly user: string;
  /** The group nginx's workers run as (Debian: www-data): a Unix socket must be writable by it. */
  readonly nginxGroup: string;
  /** nginx `listen` value. */
  readonly nginxListen: string;
  /** nginx `server_name` and the Ingress host. */
  readonly serverName: string;
  /** Container image name (Compose, Kubernetes). */
  readonly image: string;
  /** Pods (Kubernetes); the HPA's minimum. */
  readonly replicas: number;
  /** An Ingress for this host, when given. */
  readonly ingressHost: string | null;
  /** In containers: the app's port and the metrics/health port. */
  readonly containerPort: number;
  readonly metricsPort: number;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = {
  server: 'gantry',
  includeSecrets: false,
  gantryCommand: '/usr/local/bin/gantry',
  user: 'gantry',
  nginxGroup: 'www-data',
  nginxListen: '80',
  serverName: '_',
  image: '',
  replicas: 2,
  ingressHost: null,
  containerPort: 8000,
  metricsPort: 9100,
};

export interface Rendered {
  readonly files: ExportFile[];
  readonly notes: string[];
}
