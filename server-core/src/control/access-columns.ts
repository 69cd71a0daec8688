// The compact wire form of a batch's access entries (`?batch=1&columns=1`, what the UI asks for): one array per
// field instead of one object per entry, so no key is repeated per row; each distinct string (the user agent, the
// path, the method…) is sent once per frame and the columns hold its index; times in ms are rounded to the
// microsecond. Headers are not carried (the request's drawer fetches them). Encoded here, decoded by the renderer.
import type { AccessRecord } from './contract.js';

const STRINGS = ['app', 'requestId', 'method', 'path', 'query', 'protocol', 'remoteAddr', 'userAgent', 'referer', 'remoteUser'] as const;
const NUMBERS = ['seq', 'time', 'status', 'bytes', 'workerPid', 'workerId'] as const;
const MILLIS = ['durationMs'] as const;
const TIMING = ['queueMs', 'appMs', 'ttfbMs', 'transferMs'] as const;

type Cell = number | null;

export interface AccessColumns {
  /** The envelopes' ids, one per row. */
  readonly ids: readonly number[];
  readonly appIds: readonly Cell[];
  /** Every string the columns refer to, once. */
  readonly strings: readonly string[];
  /** Field name → one cell per row: a number, a string's index in `strings`, or null (absent). `truncated` is 1/null. */
  readonly columns: Readonly<Record<string, readonly Cell[]>>;
}

const micro = (ms: number): number => Math.round(ms * 1000) / 1000;

export function encodeAccessColumns(
  rows: readonly { readonly id: number; readonly appId: string | null; readonly data: AccessRecord }[],
): AccessColumns {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | null | undefined): Cell => {
    if (s === undefined || s === null) return null;
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const columns: Record<string, Cell[]> = {};
  for (const k of [...STRINGS, ...NUMBERS, ...MILLIS, ...TIMING, 'truncated']) columns[k] = [];
  const ids: number[] = [];
  const appIds: Cell[] = [];
  for (const { id, appId, data } of rows) {
    ids.push(id);
    appIds.push(str(appId));
    for (const k of STRINGS) columns[k]!.push(str(data[k]));
    for (const k of NUMBERS) columns[k]!.push(data[k] ?? null);
    for (const k of MILLIS) columns[k]!.push(micro(data[k]));
    for (const k of TIMING) columns[k]!.push(data.timing ? micro(data.timing[k]) : null);
    columns.truncated!.push(data.truncated ? 1 : null);
  }
  return { ids, appIds, strings, columns };
}

/** The rows back as access envelopes' contents, in order. */
export function decodeAccessColumns(c: AccessColumns): { id: number; appId: string | null; data: AccessRecord }[] {
  const out: { id: number; appId: string | null; data: AccessRecord }[] = [];
  const col = (k: string): readonly Cell[] => c.columns[k] ?? [];
  const str = (i: Cell): string | undefined => (i === null ? undefined : c.strings[i]);
  for (let r = 0; r < c.ids.length; r++) {
    const data: Record<string, unknown> = {};
    for (const k of STRINGS) {
      const v = str(col(k)[r] ?? null);
      if (v !== undefined) data[k] = v;
    }
    for (const k of [...NUMBERS, ...MILLIS]) {
      const v = col(k)[r];
      if (v !== null && v !== undefined) data[k] = v;
    }
    if (col('queueMs')[r] !== null && col('queueMs')[r] !== undefined) data.timing = Object.fromEntries(TIMING.map((k) => [k, col(k)[r]]));
    if (col('truncated')[r] === 1) data.truncated = true;
    out.push({ id: c.ids[r]!, appId: str(c.appIds[r] ?? null) ?? null, data: data as unknown as AccessRecord });
  }
  return out;
}
