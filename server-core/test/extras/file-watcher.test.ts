// The --reload watcher on a real temp project (debounce, pruning, extra globs) and py_compile syntax checks.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSyntax, globToRegExp, watchProject, type ProjectWatcher } from '../../src/supervisor/file-watcher.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const PYTHON = process.env.GANTRY_TEST_PYTHON ?? 'python3';

/** Collects onChange batches; next() resolves with the next one or rejects after a timeout (no sleeps). */
function batches() {
  const received: (readonly string[])[] = [];
  const waiters: ((b: readonly string[]) => void)[] = [];
  return {
    received,
    onChange(paths: readonly string[]) {
      received.push(paths);
      waiters.shift()?.(paths);
    },
    next(timeoutMs = 10_000): Promise<readonly string[]> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no change reported in time')), timeoutMs);
        waiters.push((b) => {
          clearTimeout(t);
          resolve(b);
        });
      });
    },
  };
}

const defer = cleanupPerTest();

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-watch-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'app.py'), 'x = 1\n');
  writeFileSync(join(dir, 'pkg', 'mod.py'), 'y = 2\n');
  for (const d of ['.venv/lib', '__pycache__', 'node_modules/m', '.git', 'myenv/lib', 'templates/emails'])
    mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'myenv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  return dir;
}

async function watching(root: string, b: ReturnType<typeof batches>, extraFiles: string[] = []): Promise<ProjectWatcher> {
  const w = await watchProject({ root, extraFiles, debounceMs: 300, onChange: (p) => b.onChange(p) });
  defer(() => w.close());
  return w;
}

describe('watchProject', () => {
  it('a burst of changes fires once, with every path', async () => {
    const root = project();
    const b = batches();
    await watching(root, b);
    const first = b.next();
    writeFileSync(join(root, 'app.py'), 'x = 2\n');
    writeFileSync(join(root, 'pkg', 'mod.py'), 'y = 3\n');
    writeFileSync(join(root, 'pkg', 'new.py'), 'z = 1\n');
    writeFileSync(join(root, 'app.py'), 'x = 3\n');
    expect(await first).toEqual([join(root, 'app.py'), join(root, 'pkg', 'mod.py'), join(root, 'pkg', 'new.py')].sort());
    // Nothing else was pending: the next batch holds only the next change.
    const second = b.next();
    unlinkSync(join(root, 'pkg', 'new.py'));
    expect(await second).toEqual([join(root, 'pkg', 'new.py')]);
    expect(b.received).toHaveLength(2);
  });

  it('ignores venvs, caches, node_modules, .git and non-Python files', async () => {
    const root = project();
    const b = batches();
    await watching(root, b);
    const next = b.next();
    for (const p of [
      '.venv/lib/x.py',
      '__pycache__/x.py',
      'node_modules/m/x.py',
      '.git/x.py',
      'myenv/lib/x.py',
      'notes.txt',
      'templates/emails/a.html',
    ]) {
      writeFileSync(join(root, p), 'junk = 1\n');
    }
    writeFileSync(join(root, 'sentinel.py'), 's = 1\n');
    expect(await next).toEqual([join(root, 'sentinel.py')]);
  });

  it('watches extra globs and exact files', async () => {
    const root = project();
    writeFileSync(join(root, 'settings.toml'), 'a = 1\n');
    const b = batches();
    await watching(root, b, ['templates/**/*.html', 'settings.toml']);
    const next = b.next();
    writeFileSync(join(root, 'templates', 'emails', 'welcome.html'), '<p>hi</p>');
    writeFileSync(join(root, 'templates', 'emails', 'welcome.txt'), 'hi');
    writeFileSync(join(root, 'settings.toml'), 'a = 2\n');
    expect(await next).toEqual([join(root, 'settings.toml'), join(root, 'templates', 'emails', 'welcome.html')]);
  });

  it('close() stops reporting', async () => {
    const root = project();
    const b = batches();
    const w = await watching(root, b);
    await w.close();
    writeFileSync(join(root, 'app.py'), 'x = 9\n');
    await expect(b.next(1000)).rejects.toThrow(/no change/);
    expect(b.received).toHaveLength(0);
  });
});

describe('globToRegExp', () => {
  it('understands **, *, ? and {a,b}', () => {
    expect(globToRegExp('/p/**/*.html').test('/p/a/b/c.html')).toBe(true);
    expect(globToRegExp('/p/**/*.html').test('/p/c.html')).toBe(true);
    expect(globToRegExp('/p/*.html').test('/p/a/c.html')).toBe(false);
    expect(globToRegExp('/p/?.cfg').test('/p/a.cfg')).toBe(true);
    expect(globToRegExp('/p/*.{ini,toml}').test('/p/x.toml')).toBe(true);
    expect(globToRegExp('/p/*.{ini,toml}').test('/p/x.yaml')).toBe(false);
    expect(globToRegExp('/p/a.b').test('/p/axb')).toBe(false);
  });
});

describe('checkSyntax', () => {
  it('passes good files and skips deleted ones', async () => {
    const root = project();
    const r = await checkSyntax(PYTHON, [join(root, 'app.py'), join(root, 'pkg', 'mod.py'), join(root, 'gone.py')]);
    expect(r).toEqual({ ok: true, output: '' });
  });

  it('catches a syntax error and says where', async () => {
    const root = project();
    writeFileSync(join(root, 'bad.py'), 'def broken(:\n    pass\n');
    const r = await checkSyntax(PYTHON, ['app.py', 'bad.py'], { cwd: root });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/SyntaxError/);
    expect(r.output).toContain('bad.py');
    expect(r.output).toMatch(/line 1/);
  });

  it('reports an interpreter that does not exist', async () => {
    const root = project();
    const r = await checkSyntax(join(root, 'no-such-python'), [join(root, 'app.py')]);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/ENOENT|not found|no-such-python/);
  });
});
