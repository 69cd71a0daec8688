// Consecutive output lines from one event (a traceback is a dozen lines written together) read better as
// one block: only the first line shows time, level, source and the link to its request.
import type { OutputRecord } from '../api/contract';

type Line = Pick<OutputRecord, 'time' | 'level' | 'source' | 'workerPid' | 'requestId'>;

export function continuesPrevious(prev: Line | undefined, cur: Line): boolean {
  return (
    prev !== undefined &&
    prev.level === cur.level &&
    prev.source === cur.source &&
    prev.workerPid === cur.workerPid &&
    prev.requestId === cur.requestId &&
    Math.abs(cur.time - prev.time) < 50
  );
}
