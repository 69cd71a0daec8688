// `gantry ui`'s flags, parsed by node:util's parseArgs: the spellings it accepted before, and clear errors.
import { describe, expect, it } from 'vitest';
import { parseUiArgs, SITES_HTTP_PORT, SITES_HTTPS_PORT } from '../../src/cli/ui.js';

const sites = { httpPort: SITES_HTTP_PORT, httpsPort: SITES_HTTPS_PORT };

describe('gantry ui arguments', () => {
  it('takes --port/-p, --open and --home in each spelling', () => {
    expect(parseUiArgs([])).toEqual({ port: 0, open: false, home: null, sites });
    expect(parseUiArgs(['--port', '8080', '--open', '--home', '/h'])).toEqual({ port: 8080, open: true, home: '/h', sites });
    expect(parseUiArgs(['--port=8081', '--home=/h'])).toEqual({ port: 8081, open: false, home: '/h', sites });
    expect(parseUiArgs(['-p', '8082'])).toEqual({ port: 8082, open: false, home: null, sites });
    expect(parseUiArgs(['--sites-http', '80', '--sites-https=443'])).toMatchObject({ sites: { httpPort: 80, httpsPort: 443 } });
    expect(parseUiArgs(['--no-sites'])).toMatchObject({ sites: null });
    expect(parseUiArgs(['--sites-http', '80', '--no-sites'])).toMatchObject({ sites: null });
    expect(parseUiArgs(['--no-sites', '--sites-https', '0'])).toMatchObject({ sites: { httpPort: SITES_HTTP_PORT, httpsPort: 0 } });
    expect(parseUiArgs(['-h'])).toBe('help');
    expect(parseUiArgs(['--help'])).toBe('help');
  });

  it('refuses a bad port, a missing value, an unknown flag and stray words', () => {
    expect(parseUiArgs(['--port', 'x'])).toBe('--port: must be a port number, not "x"');
    expect(parseUiArgs(['--port', '70000'])).toBe('--port: must be a port number, not "70000"');
    expect(parseUiArgs(['--sites-http', 'x'])).toBe('--sites-http: must be a port number, not "x"');
    expect(parseUiArgs(['--home'])).toMatch(/--home/);
    expect(parseUiArgs(['--home='])).toBe('--home: needs a folder');
    expect(parseUiArgs(['--nope'])).toMatch(/Unknown option '--nope'/);
    expect(parseUiArgs(['stray'])).toMatch(/Unexpected argument 'stray'/);
  });
});
