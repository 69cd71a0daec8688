// Types for browser-args.mjs (imported by main/test/start-script.test.ts).
export declare function browserArgs(argv: readonly string[]): string[];
