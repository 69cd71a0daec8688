// Small pieces of the Host: .env parsing, Prometheus merging, config-folder rules, slugs.
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/host/dotenv.js';
import { mergePrometheus } from '../../src/host/prometheus-merge.js';
import { defaultGantryHome } from '../../src/host/paths.js';
import { slugify, uniqueId } from '../../src/host/definitions.js';
import { spliceGantrySections } from '../../src/host/pyproject.js';

describe('.env', () => {
  it('parses comments, export, quotes, escapes and inline comments', () => {
    const text = [
      '# comment',
      'export A=1',
      'B = "two words"',
      "C='single # not a comment'",
      'D=plain # trailing',
      'E="line\\nbreak"',
      'bad line',
      '  F=  spaced  ',
      'EMPTY=',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      A: '1',
      B: 'two words',
      C: 'single # not a comment',
      D: 'plain',
      E: 'line\nbreak',
      F: 'spaced',
      EMPTY: '',
    });
  });
});

describe('Prometheus merge', () => {
  it('declares each family once and keeps its samples together', () => {
    const a =
      '# HELP gantry_requests_total R.\n# TYPE gantry_requests_total counter\ngantry_requests_total{app="a"} 1\n# HELP gantry_latency_seconds L.\n# TYPE gantry_latency_seconds histogram\ngantry_latency_seconds_bucket{app="a",le="0.1"} 1\ngantry_latency_seconds_count{app="a"} 1\n';
    const b = a.replace(/app="a"/g, 'app="b"').replace(/ 1\n/g, ' 2\n');
    const out = mergePrometheus([a, b]).split('\n');
    expect(out.filter((l) => l === '# TYPE gantry_requests_total counter')).toHaveLength(1);
    const first = out.indexOf('gantry_requests_total{app="a"} 1');
    expect(out[first + 1]).toBe('gantry_requests_total{app="b"} 2');
    const hist = out.indexOf('# TYPE gantry_latency_seconds histogram');
    expect(out.slice(hist + 1, hist + 5)).toEqual([
      'gantry_latency_seconds_bucket{app="a",le="0.1"} 1',
      'gantry_latency_seconds_count{app="a"} 1',
      'gantry_latency_seconds_bucket{app="b",le="0.1"} 2',
      'gantry_latency_seconds_count{app="b"} 2',
    ]);
  });
});

describe('config folder', () => {
  it('GANTRY_HOME wins; otherwise XDG on Linux, Application Support on macOS, APPDATA on Windows', () => {
    expect(defaultGantryHome({ GANTRY_HOME: '/tmp/g' }, 'linux')).toBe('/tmp/g');
    expect(defaultGantryHome({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/gantry');
    expect(defaultGantryHome({}, 'linux')).toMatch(/\/\.config\/gantry$/);
    expect(defaultGantryHome({}, 'darwin')).toMatch(/\/Library\/Application Support\/Gantry$/);
    expect(defaultGantryHome({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toContain('Gantry');
  });
});

describe('ids', () => {
  it('slugs names and keeps ids unique', () => {
    expect(slugify('My Shop (v2)!')).toBe('my-shop-v2');
    expect(slugify('...')).toBe('app');
    expect(uniqueId('shop', new Set(['shop', 'shop-2']))).toBe('shop-3');
  });
});

describe('pyproject splice', () => {
  it('replaces every [tool.gantry*] section and nothing else', () => {
    const text =
      '[project]\nname = "x"\n\n[tool.gantry]\napp = "a:b"\n\n[tool.gantry.profiles.dev]\nreload = true\n\n[tool.ruff]\nline-length = 99 # keep\n';
    expect(spliceGantrySections(text, '[tool.gantry]\nworkers = 2\n')).toBe(
      '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 99 # keep\n\n[tool.gantry]\nworkers = 2\n',
    );
  });
});
