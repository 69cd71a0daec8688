// Flag parsing derived from the settings table: gunicorn spellings and forms, repeatables, errors that
// name the flag, and --help generated from the same table.
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/settings.js';
import { ArgsError, parseArgs } from '../../src/cli/args.js';
import { serveHelp } from '../../src/cli/help.js';
import { settingsFromArgs } from '../../src/cli/serve.js';

function argsError(argv: string[]): ArgsError {
  try {
    parseArgs(argv);
  } catch (err) {
    if (err instanceof ArgsError) return err;
    throw err;
  }
  throw new Error('expected an ArgsError');
}

describe('parseArgs', () => {
  it('takes gunicorn spellings in both value forms, short flags glued or not', () => {
    const r = parseArgs([
      '-w',
      '4',
      '--threads=8',
      '-b127.0.0.1:9000',
      '--bind',
      'unix:/tmp/x.sock',
      '-t',
      '2.5',
      '--keep-alive=5',
      'mod:app',
    ]);
    expect(r.settings).toMatchObject({ workers: 4, threads: 8, bind: ['127.0.0.1:9000', 'unix:/tmp/x.sock'], timeout: 2.5, keepAlive: 5 });
    expect(r.positionals).toEqual(['mod:app']);
  });

  it('accumulates maps and lists, splitting pythonpath and forwarded-allow-ips on commas', () => {
    const r = parseArgs([
      '-e',
      'A=1',
      '--env=B=x=y',
      '--pythonpath',
      'a,b',
      '--pythonpath=c',
      '--forwarded-allow-ips',
      '10.0.0.1, 10.0.0.2',
      '--static',
      '/s=public',
    ]);
    expect(r.settings.env).toEqual({ A: '1', B: 'x=y' });
    expect(r.settings.pythonpath).toEqual(['a', 'b', 'c']);
    expect(r.settings.forwardedAllowIps).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(r.settings.static).toEqual({ '/s': 'public' });
  });

  it('accepts both spellings of limit-request-field_size and bool flags without a value', () => {
    expect(parseArgs(['--limit-request-field_size', '100']).settings.limitRequestFieldSize).toBe(100);
    expect(parseArgs(['--limit-request-field-size=200']).settings.limitRequestFieldSize).toBe(200);
    expect(parseArgs(['--reload']).settings.reload).toBe(true);
  });

  it('names the flag and the reason for a bad value', () => {
    expect(argsError(['--workers', '0']).message).toBe('--workers: must be at least 1');
    expect(argsError(['-w', 'many']).message).toMatch(/^-w: must be a whole number/);
    expect(argsError(['--log-level', 'loud']).message).toMatch(/^--log-level: /);
    expect(argsError(['-b', 'host:99999']).message).toMatch(/^-b: must be HOST:PORT/);
    expect(argsError(['-e', 'NOEQUALS']).message).toMatch(/^-e: must be KEY=VALUE/);
    expect(argsError(['--timeout']).message).toMatch(/^--timeout: expected a value/);
    expect(argsError(['--no-such-flag']).message).toMatch(/unrecognized argument: --no-such-flag/);
  });

  it('refuses a limit past its maximum with the maximum in the message (gunicorn clamps; we say so instead)', () => {
    expect(argsError(['--limit-request-line', '9000']).message).toBe('--limit-request-line: must be at most 8190');
    expect(argsError(['--limit-request-fields', '40000']).message).toBe('--limit-request-fields: must be at most 32768');
    expect(argsError(['--limit-request-field_size', '-1']).message).toBe('--limit-request-field_size: must be at least 0');
    expect(argsError(['--limit-request-body', 'lots']).message).toMatch(/^--limit-request-body: must be a whole number/);
    expect(argsError(['--body-buffer-memory', '-1']).message).toBe('--body-buffer-memory: must be at least 0');
    expect(argsError(['--body-buffer-memory', '1.5']).message).toMatch(/^--body-buffer-memory: must be a whole number/);
    expect(parseArgs(['--body-buffer-memory', '0']).settings.bodyBufferMemory).toBe(0);
    expect(parseArgs(['--static-dotfiles']).settings.staticDotfiles).toBe(true);
    expect(parseArgs(['--forwarded-allow-host']).settings.forwardedAllowHost).toBe(true);
  });

  it('settingsFromArgs fills defaults and takes the app positional', () => {
    const { settings } = settingsFromArgs(['-w', '3', 'hello:application']);
    expect(settings.app).toBe('hello:application');
    expect(settings.workers).toBe(3);
    expect(settings.bind).toEqual(['127.0.0.1:8000']);
    expect(() => settingsFromArgs(['-w', '2'])).toThrow(ArgsError);
    expect(() => settingsFromArgs(['not an app!'])).toThrow(/MODULE:CALLABLE/);
  });

  it('knows --help and --version', () => {
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['-v']).version).toBe(true);
    expect(settingsFromArgs(['--version']).version).toBe(true);
  });

  it('every flag in the table parses and appears in --help', () => {
    const help = serveHelp();
    for (const spec of SETTINGS) {
      for (const flag of spec.flags) expect(help).toContain(flag);
    }
    expect(help).toContain('usage: gantry serve [OPTIONS] MODULE:CALLABLE');
  });
});
