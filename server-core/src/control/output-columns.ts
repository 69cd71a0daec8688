// The compact wire form of a batch's output lines (`?batch=1&columns=1`, what the UI asks for), beside the access
// entries' (access-columns.ts): one array per field instead of one object per line, so no key is repeated per line.
// The app, stream, level and request id of a line are strings few lines differ in: each distinct one is sent once
// per frame and the columns hold its index; so is a short text (a blank line, a traceback's frame, the second line
// of a block recur), while a long one goes inline. Ids, seqs and times step by small amounts from line to line, so
// each is sent as its difference from the line before (exact for whole numbers; times that are not go whole).
// Encoded here, decoded by the renderer: one codec for both sides, imported through the contract.
import type { OutputRecord } from './contract.js';

type Cell = number | null;

/** Texts up to this long are interned (sent once per frame); longer ones are sent inline. */
const INTERN_TEXT_MAX = 200;

export interface OutputColumns {
  /** Every string the columns refer to, once. */
  readonly strings: readonly string[];
  /** The envelopes' ids: the first, then each one's difference from the one before. */
  readonly ids: readonly number[];
  /** The envelopes' app ids (an index in `strings`, or null). */
  readonly appIds: readonly Cell[];
  /** As `ids`. */
  readonly seq: readonly number[];
  /** As `ids`; the times themselves when `absoluteTimes` (a time that is not a whole number of ms). */
  readonly time: readonly number[];
  readonly absoluteTimes?: true;
  /** Indexes in `strings` (null: absent). */
  readonly app: readonly Cell[];
  readonly source: readonly Cell[];
  readonly level: readonly Cell[];
  readonly requestId: readonly Cell[];
  readonly workerId: readonly Cell[];
  readonly workerPid: readonly Cell[];
  /** An index in `strings` (a short text) or the text itself. */
  readonly text: readonly (number | string)[];
}

export interface OutputRow {
  readonly id: number;
  readonly appId: string | null;
  readonly data: OutputRecord;
}

/** Differences from one value to the next (the first from 0): exact for whole numbers, which ids and seqs are. */
function deltas(values: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i]! - prev;
    prev = values[i]!;
  }
  return out;
}

function sums(d: readonly number[]): number[] {
  const out = new Array<number>(d.length);
  let acc = 0;
  for (let i = 0; i < d.length; i++) out[i] = acc += d[i]!;
  return out;
}

export function encodeOutputColumns(rows: readonly OutputRow[]): OutputColumns {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | null): Cell => {
    if (s === null) return null;
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const n = rows.length;
  const ids = new Array<number>(n);
  const seqs = new Array<number>(n);
  const times = new Array<number>(n);
  const appIds = new Array<Cell>(n);
  const app = new Array<Cell>(n);
  const source = new Array<Cell>(n);
  const level = new Array<Cell>(n);
  const requestId = new Array<Cell>(n);
  const workerId = new Array<Cell>(n);
  const workerPid = new Array<Cell>(n);
  const text = new Array<number | string>(n);
  for (let r = 0; r < n; r++) {
    const { id, appId, data } = rows[r]!;
    ids[r] = id;
    seqs[r] = data.seq;
    times[r] = data.time;
    appIds[r] = str(appId);
    app[r] = str(data.app);
    source[r] = str(data.source);
    level[r] = str(data.level);
    requestId[r] = str(data.requestId);
    workerId[r] = data.workerId;
    workerPid[r] = data.workerPid;
    text[r] = data.text.length <= INTERN_TEXT_MAX ? str(data.text)! : data.text;
  }
  // Times are whole milliseconds (Date.now()); one that is not would not add back exactly, so none is sent as a step.
  const wholeTimes = times.every(Number.isSafeInteger);
  return {
    strings,
    ids: deltas(ids),
    appIds,
    seq: deltas(seqs),
    time: wholeTimes ? deltas(times) : times,
    ...(wholeTimes ? {} : { absoluteTimes: true as const }),
    app,
    source,
    level,
    requestId,
    workerId,
    workerPid,
    text,
  };
}

/** The lines back as output envelopes' contents, in order. */
export function decodeOutputColumns(c: OutputColumns): OutputRow[] {
  const ids = sums(c.ids);
  const seqs = sums(c.seq);
  const times = c.absoluteTimes ? c.time : sums(c.time);
  const s = c.strings;
  const str = (i: Cell | undefined): string | null => (i === null || i === undefined ? null : s[i]!);
  const out = new Array<OutputRow>(ids.length);
  for (let r = 0; r < ids.length; r++) {
    const t = c.text[r]!;
    const data: OutputRecord = {
      time: times[r]!,
      app: str(c.app[r])!,
      source: str(c.source[r]) as OutputRecord['source'],
      level: str(c.level[r]) as OutputRecord['level'],
      workerId: c.workerId[r] ?? null,
      workerPid: c.workerPid[r] ?? null,
      requestId: str(c.requestId[r]),
      text: typeof t === 'number' ? s[t]! : t,
      seq: seqs[r]!,
    };
    out[r] = { id: ids[r]!, appId: str(c.appIds[r]), data };
  }
  return out;
}
