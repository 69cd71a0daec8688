// findOnPath (src/which.ts): the one PATH lookup, on real files in a temp folder.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { findOnPath } from '../../src/which.js';
import { tempDirScope } from '../helpers/tempdir.js';

const t = tempDirScope();
beforeEach(async () => {
  for (const d of ['a', 'b', 'sbin']) await mkdir(join(t.path, d));
});

async function tool(dir: string, name: string, mode: number): Promise<string> {
  const file = join(t.path, dir, name);
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, mode);
  return file;
}

describe('findOnPath', () => {
  it('takes the first executable file in PATH order, passing over a non-executable one and a folder', async () => {
    await tool('a', 'tool', 0o644);
    await mkdir(join(t.path, 'a', 'dir-tool'));
    const b = await tool('b', 'tool', 0o755);
    const env = { PATH: ['', join(t.path, 'a'), join(t.path, 'b')].join(delimiter) };
    expect(findOnPath('tool', env)).toBe(b);
    expect(findOnPath('dir-tool', env)).toBeNull();
    expect(findOnPath('missing', env)).toBeNull();
  });

  it('checks an absolute name itself, and looks in the extra folders after PATH', async () => {
    const s = await tool('sbin', 'daemon', 0o755);
    expect(findOnPath(s, { PATH: '' })).toBe(s);
    expect(findOnPath(join(t.path, 'sbin', 'nope'), { PATH: '' })).toBeNull();
    expect(findOnPath('daemon', { PATH: join(t.path, 'a') })).toBeNull();
    expect(findOnPath('daemon', { PATH: join(t.path, 'a') }, [join(t.path, 'sbin')])).toBe(s);
  });
});
