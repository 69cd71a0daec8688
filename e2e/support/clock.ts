// Wall-clock helpers for the time-range and jump-to-time specs: the UI's time inputs name local clock times to
// the second, so the specs send traffic across whole seconds and type those seconds back.

/** A datetime-local value (to the second) for a time, in this machine's zone, as the browser's input holds it. */
export function localSecond(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * GETs `url` one after another (each with its index as `i`) from inside one second until `seconds` more whole
 * seconds have begun, so the requests span them all. Returns the first whole second (epoch ms) they cover
 * completely and how many were sent. At most `max` requests: they are spread over the span (a fast box sent
 * 600 within one second and stopped before the boundary it was there to cross).
 */
export async function sendAcrossSeconds(url: string, seconds: number, max = 2000): Promise<{ firstFullSecond: number; sent: number }> {
  const startSecond = Math.floor(Date.now() / 1000);
  const end = (startSecond + seconds + 1) * 1000;
  const gapMs = (end - Date.now()) / max;
  const t0 = Date.now();
  let sent = 0;
  while (Date.now() < end) {
    // The traffic's shape in time is what the specs test, so this is pacing, not waiting for a state.
    const due = t0 + sent * gapMs;
    if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
    if (Date.now() >= end) break;
    const r = await fetch(`${url}${url.includes('?') ? '&' : '?'}i=${sent}`);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
    sent++;
  }
  return { firstFullSecond: (startSecond + 1) * 1000, sent };
}
