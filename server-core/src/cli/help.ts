// `gantry serve --help`, generated from the settings table so it can never disagree with the parser.
import { SETTINGS, type SettingSection, type TableSpec as SettingSpec } from '../config/settings-table.js';

const SECTION_TITLES: Record<SettingSection, string> = {
  app: 'App',
  server: 'Server',
  workers: 'Workers',
  logging: 'Logging',
  limits: 'Limits',
  security: 'Security',
  dev: 'Development',
};

function defaultText(spec: SettingSpec): string {
  const d = spec.default as unknown;
  if (spec.kind === 'bool') return '';
  if (Array.isArray(d)) return d.length ? ` [default: ${d.join(',')}]` : '';
  if (typeof d === 'object' && d !== null) return '';
  if (d === '') return '';
  return ` [default: ${String(d)}]`;
}

export function serveHelp(): string {
  const lines = [
    'usage: gantry serve [OPTIONS] MODULE:CALLABLE',
    '',
    'Serve a WSGI app: an HTTP gateway in front of Python worker processes.',
    '',
  ];
  const bySection = new Map<SettingSection, SettingSpec[]>();
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    if (spec.flags.length === 0) continue;
    const list = bySection.get(spec.section) ?? [];
    list.push(spec);
    bySection.set(spec.section, list);
  }
  for (const [section, specs] of bySection) {
    lines.push(`${SECTION_TITLES[section]}:`);
    for (const spec of specs) {
      const names = spec.flags.join(', ') + (spec.kind === 'bool' ? '' : ` ${spec.metavar ?? 'VALUE'}`);
      const more = (spec.kind === 'list' || spec.kind === 'map') && !spec.doc.includes('repeatable') ? ' (repeatable)' : '';
      lines.push(`  ${names.padEnd(40)} ${spec.doc}${more}${defaultText(spec)}`);
    }
    lines.push('');
  }
  lines.push('Other:', `  ${'-h, --help'.padEnd(40)} Show this help.`, `  ${'-v, --version'.padEnd(40)} Show the version.`, '');
  lines.push('Signals: TERM/INT graceful stop, QUIT fast stop, HUP reload, TTIN/TTOU one worker more/less, USR1 reopen log files.');
  return lines.join('\n') + '\n';
}

export function mainHelp(): string {
  return [
    'usage: gantry COMMAND [OPTIONS]',
    '',
    'Commands:',
    '  serve [OPTIONS] MODULE:CALLABLE   Serve a WSGI app (gunicorn-compatible flags; gantry serve --help)',
    '  ui                                Open the desktop UI in a browser',
    '  apps                              List and control saved apps',
    '  export APP --to TARGET             Export an app for systemd+nginx, Docker, Compose or Kubernetes',
    '  ca path|install|uninstall|status  The local CA for https://NAME.localhost (gantry ca --help)',
    '',
    '  -h, --help       Show this help.',
    '  -v, --version    Show the version.',
    '',
  ].join('\n');
}
