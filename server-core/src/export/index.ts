// `exportApp`: one target's files for an app's profile. Each target is its own module; this picks one, and
// writes the files into a folder when asked (the CLI's -o, the panel's "write to deploy/").
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExportResult, ExportTarget } from '../control/contract.js';
import { assertNever } from '../assert-never.js';
import { renderCompose } from './compose.js';
import { renderDockerfile } from './dockerfile.js';
import { renderKubernetes } from './kubernetes.js';
import { renderNginx } from './nginx.js';
import { renderSystemd } from './systemd.js';
import { DEFAULT_EXPORT_OPTIONS, type ExportInput, type ExportOptions, type Rendered } from './types.js';

function renderTarget(target: ExportTarget, input: ExportInput, options: ExportOptions): Rendered {
  switch (target) {
    case 'systemd':
      return renderSystemd(input, options);
    case 'nginx':
      return renderNginx(input, options);
    case 'compose':
      return renderCompose(input, options);
    case 'kubernetes':
      return renderKubernetes(input, options);
    case 'dockerfile':
      return renderDockerfile(input, options);
    default:
      return assertNever(target, 'export target');
  }
}

export function exportApp(target: ExportTarget, input: ExportInput, options: Partial<ExportOptions> = {}): ExportResult {
  const o: ExportOptions = { ...DEFAULT_EXPORT_OPTIONS, ...options };
  const r = renderTarget(target, input, o);
  return { appId: input.appId, target, profile: input.profile, server: o.server, files: r.files, notes: r.notes, writtenTo: null };
}

/** Writes every file under `dir` (folders made as needed); env files and Secrets get mode 0600. */
export async function writeExport(dir: string, result: ExportResult): Promise<ExportResult> {
  const root = path.resolve(dir);
  for (const f of result.files) {
    const to = path.resolve(root, f.path);
    if (!to.startsWith(root + path.sep)) throw new Error(`export file outside its folder: ${f.path}`);
    await fs.mkdir(path.dirname(to), { recursive: true });
    const secret = f.path.endsWith('.env') || f.path.endsWith('secret.yaml');
    await fs.writeFile(to, f.content, { mode: secret ? 0o600 : 0o644 });
  }
  return { ...result, writtenTo: root };
}

/** The project's own deploy folder for a target. */
export function deployFolder(projectFolder: string, target: ExportTarget): string {
  return path.join(projectFolder, 'deploy', target);
}

export type { ExportInput, ExportOptions };
