// `gantry ui`'s flags, parsed by node:util's parseArgs: the spellings it accepted before, and clear errors.
import { describe, expect, it } from 'vitest';
import { parseUiArgs } from '../../src/cli/ui.js';

describe('gantry ui arguments', () => {
  it('takes --port/-p, --open and --home in each spelling', () => {
    expect(parseUiArgs([])).toEqual({ port: 0, open: false, home: null });
    expect(parseUiArgs(['--port', '8080', '--open', '--home', '/h'])).toEqual({ port: 8080, open: true, home: '/h' });
    expect(parseUiArgs(['--port=8081', '--home=/h'])).toEqual({ port: 8081, open: false, home: '/h' });
    expect(parseUiArgs(['-p', '8082'])).toEqual({ port: 8082, open: false, home: null });
    expect(parseUiArgs(['-h'])).toBe('help');
    expect(parseUiArgs(['--help'])).toBe('help');
  });

  it('refuses a bad port, a missing value, an unknown flag and stray words', () => {
    expect(parseUiArgs(['--port', 'x'])).toBe('--port: must be a port number, not "x"');
    expect(parseUiArgs(['--port', '70000'])).toBe('--port: must be a port number, not "70000"');
    expect(parseUiArgs(['--home'])).toMatch(/--home/);
    expect(parseUiArgs(['--home='])).toBe('--home: needs a folder');
    expect(parseUiArgs(['--nope'])).toMatch(/Unknown option '--nope'/);
    expect(parseUiArgs(['stray'])).toMatch(/Unexpected argument 'stray'/);
  });
});
