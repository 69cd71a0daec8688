// Types for electron-binary.mjs (imported by main/test/start-script.test.ts).
export declare function electronBinary(o: {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  electronDir: string | null;
  exists: (file: string) => boolean;
  readText: (file: string) => string | null;
}): { ok: true; binary: string } | { ok: false; reason: string; fetchable: boolean };
