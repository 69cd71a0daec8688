// The exported command line is the profile's effective settings, exactly; exports are deterministic; secret
// values never reach a file; gunicorn's line says what it cannot express.
import { describe, expect, it } from 'vitest';
import { settingsFromArgs } from '../../src/cli/serve.js';
import { commandLine, gantryServeLine, gunicornLine } from '../../src/export/command-line.js';
import { exportApp } from '../../src/export/index.js';
import { systemdQuote, systemdSplit } from '../../src/export/systemd.js';
import { EXPORT_TARGETS } from '../../src/control/contract.js';
import { defaultSettings, mergeSettings } from '../../src/config/settings-table.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { ALL_PROJECTS, copyProject, exportInput, FLASK_FACTORY } from './fixtures.js';

describe('the exported command line', () => {
  for (const [name, folder] of Object.entries(ALL_PROJECTS)) {
    for (const profile of ['dev', 'staging']) {
      it(`is gantry serve with exactly the effective settings (${name}, ${profile})`, async () => {
        const input = await exportInput(folder, profile);
        const cl = gantryServeLine(input.settings, ['gantry']);
        expect(cl.argv.slice(0, 2)).toEqual(['gantry', 'serve']);
        // Parsed back by serve's own parser, the line gives the same settings (env travels in the env file).
        const parsed = settingsFromArgs(cl.argv.slice(2)).settings;
        expect(parsed).toEqual({ ...input.settings, env: {} });
      });
    }
  }

  it('keeps settings that are hard to quote through systemd quoting', async () => {
    const s = mergeSettings(defaultSettings(), {
      accessLogformat: '%(h)s "%(r)s" $HOME \\ 100%',
      static: { '/a%b': 'dir with space' },
      app: 'm:f("x y")',
    });
    const argv = gantryServeLine(s, ['/usr/bin/gantry']).argv;
    const line = argv.map(systemdQuote).join(' ');
    expect(systemdSplit(line)).toEqual(argv);
    expect(settingsFromArgs(systemdSplit(line).slice(2)).settings).toEqual(s);
  });

  it('--server gunicorn: gunicorn flags for shared settings, the rest listed', async () => {
    const input = await exportInput(FLASK_FACTORY, 'staging');
    const cl = gunicornLine(input.settings);
    expect(cl.argv).toContain('--workers');
    expect(cl.argv).toContain('--worker-class');
    expect(cl.argv.at(-1)).toBe('shop:create_app()');
    expect(cl.unsupported.map((u) => u.flag).sort()).toEqual(['--limit-request-body', '--static']);
    const r = exportApp('systemd', input, { server: 'gunicorn' });
    expect(r.notes.join('\n')).toMatch(/--limit-request-body/);
    expect(r.files[0]!.content).toMatch(/^ExecStart=gunicorn .*"shop:create_app\(\)"$/m);
  });

  it('names the entry point positionally and never puts env values on it', async () => {
    const input = await exportInput(FLASK_FACTORY, 'staging');
    const argv = commandLine(input.settings, 'gantry', ['gantry']).argv.join(' ');
    expect(argv).not.toMatch(/SHOP_|--env/);
  });
});

describe('the interpreter', () => {
  const tempDir = tempDirPerTest('gantry-export-venv-');
  it("is the project's virtualenv when it has one (systemd runs that python, gunicorn that venv's gunicorn)", async () => {
    const tmp = await tempDir();
    const project = await copyProject(FLASK_FACTORY, tmp.path);
    const venv = spawnSync(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', join(project, '.venv')], { encoding: 'utf8' });
    expect(venv.status, venv.stderr).toBe(0);
    const input = await exportInput(project);
    expect(input.settings.python).toBe(join(project, '.venv', 'bin', 'python'));
    const unit = exportApp('systemd', input).files[0]!.content;
    expect(unit).toContain(`--python ${join(project, '.venv', 'bin', 'python')} `);
    expect(exportApp('systemd', input, { server: 'gunicorn' }).files[0]!.content).toContain(
      `ExecStart=${join(project, '.venv', 'bin', 'gunicorn')} `,
    );
  });
});

describe('a Unix-socket bind', () => {
  it("lets nginx's group reach the socket: the service runs in that group with UMask 0007, its /run folder 0750", async () => {
    const input = await exportInput(FLASK_FACTORY);
    const unix = { ...input, settings: { ...input.settings, bind: ['unix:/run/shop/gantry.sock'] } };
    const unit = exportApp('systemd', unix, { nginxGroup: 'nginx' }).files[0]!.content;
    expect(unit).toMatch(/^Group=nginx$/m);
    expect(unit).toMatch(/^UMask=0007$/m);
    expect(unit).toMatch(/^RuntimeDirectory=shop$/m);
    expect(unit).toMatch(/^RuntimeDirectoryMode=0750$/m);
    // A TCP bind needs none of it.
    const tcp = exportApp('systemd', input).files[0]!.content;
    expect(tcp).toMatch(/^Group=gantry$/m);
    expect(tcp).not.toMatch(/UMask|RuntimeDirectory/);
  });
});

describe('every target', () => {
  for (const target of EXPORT_TARGETS) {
    it(`${target}: same input, same bytes; secret values never written`, async () => {
      const a = exportApp(target, await exportInput(FLASK_FACTORY), { ingressHost: 'shop.example.com' });
      const b = exportApp(target, await exportInput(FLASK_FACTORY), { ingressHost: 'shop.example.com' });
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      const all = a.files.map((f) => f.content).join('\n');
      expect(all).not.toContain('dev-only-secret');
      if (target !== 'nginx' && target !== 'dockerfile') expect(all).toMatch(/SHOP_SECRET_KEY[=:] ?CHANGE_ME/);
      // ...unless asked for.
      const withSecrets = exportApp(target, await exportInput(FLASK_FACTORY), { includeSecrets: true });
      if (target !== 'nginx' && target !== 'dockerfile')
        expect(withSecrets.files.map((f) => f.content).join('\n')).toContain('dev-only-secret');
    });

    it(`${target}: one setting changed, a minimal diff`, async () => {
      const input = await exportInput(FLASK_FACTORY);
      const before = exportApp(target, input).files;
      const after = exportApp(target, { ...input, settings: { ...input.settings, maxRequests: 1000 } }).files;
      // Lines only in one of the two (as a diff tool counts them, for lines that are unique in their file).
      const changed = before.flatMap((f, i) => {
        const x = f.content.split('\n');
        const y = after[i]!.content.split('\n');
        return [...x.filter((l) => !y.includes(l)), ...y.filter((l) => !x.includes(l))];
      });
      // nginx has no max-requests: nothing changes. systemd and Dockerfile: the command line, old and new.
      // Compose: its comment and the Dockerfile's CMD. Kubernetes: two new list items in args.
      const expected = { nginx: 0, systemd: 2, dockerfile: 2, compose: 4, kubernetes: 2 }[target];
      expect(changed.length).toBe(expected);
    });
  }
});
