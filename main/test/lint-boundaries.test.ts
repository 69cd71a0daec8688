// The import boundaries in eslint.config.mjs, checked through ESLint's API with small snippets placed (virtually)
// in each package: electron only in main/, the renderer only on the contract, main only on server-core's entry.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

const cases: [file: string, code: string, allowed: boolean][] = [
  ['server-core/src/x.ts', "import { app } from 'electron';\nexport const a = app;", false],
  ['server-core/src/x.ts', "export const e = await import('electron');", false],
  ['server-core/src/x.ts', "export const e = require('electron');", false],
  ['server-core/src/x.ts', "import React from 'react';\nexport const r = React;", false],
  ['server-core/src/x.ts', "import { z } from 'zod';\nexport const s = z.string();", true],
  ['server-core/src/x.ts', "import { main } from './cli/main.js';\nexport const m = main;", true],
  ['server-core/src/x.ts', "import { App } from '../../renderer/src/app/App';\nexport const a = App;", false],
  ['server-core/src/x.ts', "import type { GantryBridge } from '../../main/src/preload-api.js';\nexport type B = GantryBridge;", false],
  ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;", false],
  ['renderer/src/x.ts', "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;", false],
  ['renderer/src/x.ts', "import { ROUTES } from '../../server-core/src/control/contract';\nexport const r = ROUTES;", true],
  ['renderer/src/x.ts', "import { SETTINGS } from '../../server-core/src/config/settings.ts';\nexport const s = SETTINGS;", true],
  ['renderer/src/x.ts', "import { assertNever } from '../../server-core/src/assert-never';\nexport const a = assertNever;", true],
  ['renderer/src/x.ts', "import { createApiClient } from '../../server-core/src/control/client';\nexport const c = createApiClient;", true],
  ['renderer/src/x.ts', "import { readSse } from '../../server-core/src/control/sse-parser';\nexport const r = readSse;", true],
  ['renderer/src/x.ts', "import { ApiError } from '../../server-core/src/control/api-error';\nexport const e = ApiError;", true],
  [
    'renderer/src/x.ts',
    "import { startControlServer } from '../../server-core/src/control/server';\nexport const s = startControlServer;",
    false,
  ],
  ['renderer/src/x.ts', "import { assertNever } from '../../server-core/src/errors';\nexport const a = assertNever;", false],
  ['renderer/src/x.ts', "import { Host } from '../../server-core/src/host/host';\nexport const h = Host;", false],
  ['renderer/src/x.ts', "export * from '../../server-core/src/host/host';", false],
  ['renderer/src/x.ts', "import type { Host } from '../../server-core/src/host/host';\nexport type H = Host;", true],
  ['renderer/src/x.ts', "import type { GantryBridge } from '../../main/src/preload-api';\nexport type B = GantryBridge;", true],
  ['renderer/src/x.ts', "import { IPC_CHANNELS } from '../../main/src/ipc-handlers';\nexport const c = IPC_CHANNELS;", false],
  ['renderer/src/x.ts', "import { ROUTES } from '@gantry/server-core/contract';\nexport const r = ROUTES;", true],
  ['renderer/src/x.ts', "import type { AppState } from '@gantry/server-core';\nexport type S = AppState;", true],
  ['renderer/src/x.ts', "import { createHost } from '@gantry/server-core';\nexport const c = createHost;", false],
  ['renderer/src/x.tsx', "export const e = require('electron');", false],
  ['main/src/x.ts', "import * as core from '@gantry/server-core';\nexport const c = core;", true],
  ['main/src/x.ts', "import { app } from 'electron';\nexport const a = app;", true],
  ['main/src/x.ts', "import { Host } from '../../server-core/src/host/host.js';\nexport const h = Host;", false],
  ['main/src/x.ts', "import { ROUTES } from '@gantry/server-core/contract';\nexport const r = ROUTES;", false],
  ['main/test/x.test.ts', "import { Host } from '../../server-core/src/host/host.js';\nexport const h = Host;", false],
];

describe('import boundaries', () => {
  for (const [file, code, allowed] of cases) {
    it(`${allowed ? 'allows' : 'refuses'} in ${file}: ${code.split('\n')[0]}`, async () => {
      const found = await problems(file, code);
      if (allowed) expect(found).toEqual([]);
      else
        expect(
          found.some((r) => r === '@typescript-eslint/no-restricted-imports' || r === 'no-restricted-syntax'),
          found.join(', '),
        ).toBe(true);
    });
  }
});

// React's hook rules run on the renderer (the plugin is installed; its rule names are no longer placeholders).
describe('react hooks', () => {
  it('refuses a hook called conditionally', async () => {
    const code =
      "import { useState } from 'react';\nexport function C({ on }: { on: boolean }) {\n  if (on) useState(0);\n  return null;\n}\n";
    expect(await problems('renderer/src/x.tsx', code)).toContain('react-hooks/rules-of-hooks');
  });

  it('refuses an effect that reads a value missing from its dependencies', async () => {
    const code =
      "import { useEffect } from 'react';\nexport function C({ n }: { n: number }) {\n  useEffect(() => {\n    document.title = String(n);\n  }, []);\n  return null;\n}\n";
    expect(await problems('renderer/src/x.tsx', code)).toContain('react-hooks/exhaustive-deps');
  });

  it('refuses a disable comment for a rule that reports nothing', async () => {
    const code = 'export const n = 1; // eslint-disable-line react-hooks/exhaustive-deps\n';
    expect(await problems('renderer/src/x.ts', code)).toContain(
      "Unused eslint-disable directive (no problems were reported from 'react-hooks/exhaustive-deps').",
    );
  });
});
