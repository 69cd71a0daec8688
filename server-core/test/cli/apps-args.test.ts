// `gantry apps`' own flags (node:util's parseArgs), split from the settings flags `add` hands to the serve parser.
import { describe, expect, it } from 'vitest';
import { splitAppsArgs } from '../../src/cli/apps.js';

describe('gantry apps arguments', () => {
  it('takes its own flags in each spelling and leaves the rest in order', () => {
    const o = splitAppsArgs([
      '/p',
      'hello:app',
      '--id',
      'h2',
      '--name=Hello again',
      '-w',
      '2',
      '--no-detect',
      '-e',
      'X=1',
      '--json',
      '--threads=4',
    ]);
    expect(Object.fromEntries(o.flags)).toEqual({ '--id': 'h2', '--name': 'Hello again', '--no-detect': true, '--json': true });
    expect(o.rest).toEqual(['/p', 'hello:app', '-w', '2', '-e', 'X=1', '--threads=4']);
    expect(o.positionals).toEqual(['/p', 'hello:app', '2', 'X=1']);
  });

  it('help in both spellings; a value flag without its value is a usage error', () => {
    expect(splitAppsArgs(['-h']).flags.get('-h')).toBe(true);
    expect(splitAppsArgs(['--help']).flags.get('--help')).toBe(true);
    expect(() => splitAppsArgs(['list', '--home'])).toThrow('--home: needs a value');
    expect(splitAppsArgs(['logs', 'x', '--limit', '5', '--status=500']).flags).toEqual(
      new Map([
        ['--limit', '5'],
        ['--status', '500'],
      ]),
    );
  });
});
