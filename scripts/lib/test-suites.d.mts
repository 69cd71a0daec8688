// Types for test-suites.mjs (imported by server-core/test/scripts/test-all.test.ts).
export interface NotRun {
  readonly name: string;
  readonly kind: 'skipped' | 'todo' | 'did not run';
  readonly platform: boolean;
}
export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly notRun: readonly NotRun[];
}
export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  didNotRun: number;
  failedOnCi: NotRun[];
}
export interface Suite {
  readonly name: string;
  readonly cmd: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly needs?: readonly string[];
  readonly report?: string;
  readonly read?: (report: any) => Counts;
}
export declare const PLATFORM_MARK: RegExp;
export declare function readVitest(report: any): Counts;
export declare function readPlaywright(report: any): Counts;
export declare function readPython(report: any): Counts;
export declare function tally(counts: Counts, ci: boolean): Tally;
export declare function suiteLine(name: string, t: Tally): string;
export declare function totalLine(passed: number, failed: number, notRun: number): string;
export declare function runSuites(
  suites: readonly Suite[],
  options?: { only?: readonly string[]; ci?: boolean; log?: (line: string) => void; spawn?: typeof import('node:child_process').spawnSync },
): { passed: number; failed: number; notRun: number; lines: string[] };
