// An access entry for tests that build their own (route statistics, the header keeper, the event stream): a plain
// GET of / that answered 200, with what a test cares about given over it.
import type { AccessEntry } from '../../src/runtime/types.js';

export function accessEntry(over: Partial<AccessEntry> = {}): AccessEntry {
  return {
    time: 0,
    app: 'a',
    requestId: 'r',
    method: 'GET',
    path: '/',
    query: '',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes: 0,
    durationMs: 1,
    workerPid: 1,
    remoteAddr: '127.0.0.1',
    userAgent: '',
    referer: '',
    ...over,
  };
}
