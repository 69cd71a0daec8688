// The app's environment as a KEY=VALUE file (systemd EnvironmentFile=, Compose env_file:) and as the
// ConfigMap/Secret split for Kubernetes. Secret values are placeholders unless the user asks to include them:
// exported files end up in repositories and tickets.
import type { ExportInput } from './types.js';

/** What a secret's value is replaced with; easy to grep for before going live. */
const SECRET_PLACEHOLDER = 'CHANGE_ME';

export interface EnvSplit {
  /** Sorted by name. */
  readonly plain: ReadonlyArray<readonly [string, string]>;
  readonly secret: ReadonlyArray<readonly [string, string]>;
}

export function splitEnv(input: ExportInput, includeSecrets: boolean): EnvSplit {
  const names = Object.keys(input.settings.env).sort();
  const plain: [string, string][] = [];
  const secret: [string, string][] = [];
  for (const k of names) {
    if (input.secretEnvKeys.includes(k)) secret.push([k, includeSecrets ? input.settings.env[k]! : SECRET_PLACEHOLDER]);
    else plain.push([k, input.settings.env[k]!]);
  }
  return { plain, secret };
}

/** A value as both systemd and Compose read it: bare when plain, else double-quoted with \ and " escaped. */
function envValue(v: string): string {
  if (/^[A-Za-z0-9_./:,@%+=-]*$/.test(v)) return v;
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function renderEnvFile(input: ExportInput, includeSecrets: boolean, header: string): string {
  const { plain, secret } = splitEnv(input, includeSecrets);
  const lines = [
    `# ${header}`,
    `# Environment of ${input.name} (profile ${input.profile}). One KEY=VALUE a line; the app's workers inherit it.`,
  ];
  if (plain.length === 0 && secret.length === 0) lines.push('# (the profile sets no environment variables)');
  for (const [k, v] of plain) lines.push(`${k}=${envValue(v)}`);
  if (secret.length > 0) {
    lines.push(
      '',
      includeSecrets
        ? '# Secrets (included on request: keep this file out of version control, mode 0600).'
        : `# Secrets: set the real values here on the server (they were not exported). Keep this file mode 0600.`,
    );
    for (const [k, v] of secret) lines.push(`${k}=${envValue(v)}`);
  }
  return lines.join('\n') + '\n';
}
