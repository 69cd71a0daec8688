// Choosing the terminal and editor command for an app's folder: pure (env, platform, PATH lookup passed in),
// then one real launch without a shell to show that a folder name with shell characters is never interpreted.
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorCommand, launchDetached, terminalCommand, whichOnPath, type Which } from '../src/open-in.js';

const only =
  (...names: string[]): Which =>
  (name) =>
    names.includes(name) ? `/usr/bin/${name}` : null;
const F = '/srv/blog';

describe('editorCommand', () => {
  it('prefers $VISUAL, then $EDITOR, with their own arguments, the folder last', () => {
    expect(editorCommand(F, { VISUAL: 'code -n', EDITOR: 'vim' }, only('code', 'vim'))).toEqual({
      command: '/usr/bin/code',
      args: ['-n', F],
      cwd: F,
    });
    expect(editorCommand(F, { EDITOR: 'subl' }, only('subl', 'code'))).toEqual({ command: '/usr/bin/subl', args: [F], cwd: F });
  });

  it('skips a $VISUAL that is not installed, then falls back to a known editor on PATH', () => {
    expect(editorCommand(F, { VISUAL: 'nonexistent-editor' }, only('zed'))).toEqual({ command: '/usr/bin/zed', args: [F], cwd: F });
  });

  it('says what to do when there is none', () => {
    expect(() => editorCommand(F, {}, only())).toThrow(/set \$VISUAL or \$EDITOR/);
  });
});

describe('terminalCommand', () => {
  it('uses the platform default', () => {
    expect(terminalCommand(F, 'darwin', only())).toEqual({ command: 'open', args: ['-a', 'Terminal', F], cwd: F });
    expect(terminalCommand('C:\\site', 'win32', only())).toEqual({
      command: 'cmd.exe',
      args: ['/c', 'start', '', 'cmd.exe'],
      cwd: 'C:\\site',
    });
    expect(terminalCommand('C:\\site', 'win32', only('wt.exe'))).toEqual({
      command: '/usr/bin/wt.exe',
      args: ['-d', 'C:\\site'],
      cwd: 'C:\\site',
    });
    expect(terminalCommand(F, 'linux', only('xterm', 'x-terminal-emulator'))).toEqual({
      command: '/usr/bin/x-terminal-emulator',
      args: [],
      cwd: F,
    });
    expect(terminalCommand(F, 'linux', only('konsole'))).toEqual({ command: '/usr/bin/konsole', args: [], cwd: F });
  });

  it('says what to do when no terminal is installed', () => {
    expect(() => terminalCommand(F, 'linux', only())).toThrow(/no terminal found/);
  });
});

describe('launchDetached', () => {
  it('runs the chosen editor in the folder, without a shell', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-open-in-'));
    const folder = path.join(dir, 'my site; touch pwned $(id)');
    mkdirSync(folder);
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    const out = path.join(dir, 'out');
    const editor = path.join(bin, 'fake-editor');
    writeFileSync(editor, `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${out}.tmp' && mv '${out}.tmp' '${out}'\n`);
    chmodSync(editor, 0o755);
    const env = { PATH: bin, EDITOR: 'fake-editor' };
    await launchDetached(editorCommand(folder, env, whichOnPath(env)));
    // The editor is detached; wait for its answer file (renamed into place whole).
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline) {
      try {
        text = readFileSync(out, 'utf8');
        break;
      } catch {
        await new Promise((r) => setImmediate(r));
      }
    }
    expect(text.split('\n').slice(0, 2)).toEqual([folder, folder]);
    expect(() => readFileSync(path.join(dir, 'pwned'))).toThrow();
  });

  it('rejects when the command cannot start', async () => {
    await expect(launchDetached({ command: '/nonexistent/terminal', args: [], cwd: tmpdir() })).rejects.toMatchObject({
      code: 'GANTRY_ERR_OPEN_IN',
    });
  });
});
