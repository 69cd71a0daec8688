// Self time by event name and thread in a Chromium trace (the JSON `browser.stopTracing()` returns): where a
// page's frames went, without opening the DevTools Performance panel.

/**
 * The busiest threads with their events' self time (ms), largest first: `[[thread, [[event, ms], …]], …]`.
 * Self time = an event's duration less that of the events nested in it on the same thread.
 */
export function summariseTrace(trace, top = 10) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const names = new Map();
  const byThread = new Map();
  for (const e of events) {
    const tid = `${e.pid}:${e.tid}`;
    if (e.ph === 'M' && e.name === 'thread_name') names.set(tid, e.args?.name ?? tid);
    if (e.ph !== 'X' || !(e.dur > 0)) continue;
    if (!byThread.has(tid)) byThread.set(tid, []);
    byThread.get(tid).push(e);
  }
  const out = [];
  for (const [tid, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const self = new Map();
    const stack = [];
    const close = (until) => {
      while (stack.length > 0 && stack.at(-1).end <= until) {
        const f = stack.pop();
        self.set(f.name, (self.get(f.name) ?? 0) + f.self / 1000);
      }
    };
    for (const e of list) {
      close(e.ts);
      const parent = stack.at(-1);
      if (parent) parent.self -= e.dur;
      stack.push({ name: e.name, end: e.ts + e.dur, self: e.dur });
    }
    close(Infinity);
    const rows = [...self].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((n, [, ms]) => n + ms, 0);
    out.push({ thread: names.get(tid) ?? tid, total, rows: rows.slice(0, top) });
  }
  return out
    .sort((a, b) => b.total - a.total)
    .slice(0, 5)
    .map(({ thread, total, rows }) => [`${thread} (${total.toFixed(0)} ms)`, rows]);
}
