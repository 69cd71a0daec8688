// The saved app definitions: one JSON document {schemaVersion, demoOffered, apps} in the config folder.
// Validated on load; written atomically with a copy of the last good document beside it. A corrupt or
// future-version file is never overwritten silently: it is set aside, the last good copy is used, and a notice says so.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Notice } from '../control/contract.js';
import { CONFIG_SCHEMA_VERSION, configDocumentSchema, type ConfigDocument } from '../config/app-definition.js';
import { GantryError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { CONFIG_FILE, LAST_GOOD_SUFFIX } from './paths.js';

export function emptyConfig(): ConfigDocument {
  return { schemaVersion: CONFIG_SCHEMA_VERSION, demoOffered: false, apps: [] };
}

export interface LoadResult {
  readonly doc: ConfigDocument;
  /** True when no config existed yet (first run). */
  readonly fresh: boolean;
  readonly notices: readonly Notice[];
}

type ReadOutcome = { kind: 'missing' } | { kind: 'ok'; doc: ConfigDocument } | { kind: 'bad'; reason: string; future: boolean };

export class ConfigStore {
  readonly file: string;
  readonly lastGoodFile: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly home: string) {
    this.file = path.join(home, CONFIG_FILE);
    this.lastGoodFile = this.file + LAST_GOOD_SUFFIX;
  }

  async load(): Promise<LoadResult> {
    await fs.mkdir(this.home, { recursive: true, mode: 0o700 });
    const main = await readConfig(this.file);
    if (main.kind === 'ok') return { doc: main.doc, fresh: false, notices: [] };
    if (main.kind === 'missing') {
      // No main file but a last-good one: a previous run was interrupted between files; use it quietly.
      const lg = await readConfig(this.lastGoodFile);
      if (lg.kind === 'ok') {
        await this.save(lg.doc);
        return { doc: lg.doc, fresh: false, notices: [] };
      }
      // A last-good copy we cannot read (or a newer Gantry's) is kept aside, never overwritten by the first save.
      if (lg.kind === 'bad') await setAside(this.lastGoodFile, lg.future);
      return { doc: emptyConfig(), fresh: true, notices: [] };
    }
    // Set the bad file aside before anything can write over it.
    const aside = await setAside(this.file, main.future);
    const lg = await readConfig(this.lastGoodFile);
    // The same for a last-good copy that is bad too (a newer Gantry writes both): the save below would replace it.
    if (lg.kind === 'bad') await setAside(this.lastGoodFile, lg.future);
    const doc = lg.kind === 'ok' ? lg.doc : emptyConfig();
    const usedLastGood = lg.kind === 'ok';
    const message = main.future
      ? `${this.file} was written by a newer Gantry (${main.reason}); it was kept as ${path.basename(aside)} and ${usedLastGood ? 'the last good copy is in use' : 'Gantry started with no apps'}.`
      : `${this.file} could not be read (${main.reason}); it was kept as ${path.basename(aside)} and ${usedLastGood ? 'the last good copy is in use' : 'Gantry started with no apps'}.`;
    // Re-establish a valid main file so the next start does not look like a first run (the bad one is safe aside).
    await this.save(usedLastGood ? doc : { ...doc, demoOffered: true });
    return {
      doc: usedLastGood ? doc : { ...doc, demoOffered: true },
      fresh: false,
      notices: [
        {
          code: 'GANTRY_ERR_CONFIG_CORRUPT',
          message,
          time: Date.now(),
          details: { file: this.file, setAside: aside, reason: main.reason, usedLastGood, future: main.future },
        },
      ],
    };
  }

  /** Validates and writes the document atomically, then refreshes the last-good copy. Calls are serialised. */
  save(doc: ConfigDocument): Promise<void> {
    const parsed = configDocumentSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return Promise.reject(
        new GantryError('GANTRY_ERR_INVALID_CONFIG', `config document invalid: ${issue.message}`, {
          field: issue.path.join('.'),
          reason: issue.message,
        }),
      );
    }
    const text = JSON.stringify(parsed.data, null, 2) + '\n';
    const run = this.chain.then(async () => {
      try {
        await fs.mkdir(this.home, { recursive: true, mode: 0o700 });
        await writeFileAtomic(this.file, text);
      } catch (e) {
        // A full disk is the user's to fix: said as such, never a 500 bug. The write is atomic, so the file
        // still holds the previous document, and the Host keeps its previous definitions.
        const cause = (e as NodeJS.ErrnoException).code ?? 'EIO';
        throw new GantryError('GANTRY_ERR_CONFIG_WRITE', `cannot save ${this.file}: ${(e as Error).message}; nothing was changed`, {
          file: this.file,
          cause,
        });
      }
      // last-good mirrors the newest document that was validated and written whole. Not written (the disk
      // filled in between): it stays the previous good document, which is still a good one, and the save stands.
      await writeFileAtomic(this.lastGoodFile, text).catch(() => undefined);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** Renames a file Gantry cannot use to `<file>.future-<time>` or `.corrupt-<time>`; returns the new path. */
async function setAside(file: string, future: boolean): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let aside = `${file}.${future ? 'future' : 'corrupt'}-${stamp}`;
  for (
    let n = 2;
    await fs.lstat(aside).then(
      () => true,
      () => false,
    );
    n++
  )
    aside = `${file}.${future ? 'future' : 'corrupt'}-${stamp}-${n}`;
  await fs.rename(file, aside);
  return aside;
}

/** What the schema cannot say: ids and names are unique (the Host keys apps by id; a duplicate would vanish at the next save). */
function duplicateProblem(doc: ConfigDocument): string | null {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [i, app] of doc.apps.entries()) {
    if (ids.has(app.id)) return `apps.${i}.id: duplicate app id "${app.id}"`;
    const name = app.name.toLowerCase();
    if (names.has(name)) return `apps.${i}.name: duplicate app name "${app.name}"`;
    ids.add(app.id);
    names.add(name);
  }
  return null;
}

async function readConfig(file: string): Promise<ReadOutcome> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'bad', reason: (e as Error).message, future: false };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: 'bad', reason: `not JSON: ${(e as Error).message}`, future: false };
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > CONFIG_SCHEMA_VERSION) {
    return { kind: 'bad', reason: `schemaVersion ${version} > ${CONFIG_SCHEMA_VERSION}`, future: true };
  }
  const parsed = configDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: 'bad', reason: `${issue.path.join('.') || '(root)'}: ${issue.message}`, future: false };
  }
  const duplicate = duplicateProblem(parsed.data);
  if (duplicate) return { kind: 'bad', reason: duplicate, future: false };
  return { kind: 'ok', doc: parsed.data };
}
