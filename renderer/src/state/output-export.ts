// The Output log as a text file: the lines the tab shows (after its filters), one per line, each saying when,
// at what level, from which stream and worker, and for which request — as the error log writes them, so grep
// finds a request's whole output (every line of a grouped traceback repeats the prefix).
import type { OutputRecord } from '../api/contract';

export function outputLogText(lines: readonly OutputRecord[]): string {
  const out: string[] = [];
  for (const l of lines) {
    const worker = l.workerPid !== null ? ` [worker ${l.workerId ?? '?'} pid ${l.workerPid}]` : '';
    const request = l.requestId !== null ? ` [${l.requestId}]` : '';
    const prefix = `${new Date(l.time).toISOString()} [${l.level.toUpperCase()}] ${l.source}${worker}${request} `;
    for (const part of l.text.split('\n')) out.push(prefix + part);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
