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
 * completely and how many were sent. Stops at `max` requests, whichever comes first.
 */
export async function sendAcrossSeconds(url: string, seconds: number, max = 2000): Promise<{ firstFullSecond: number; sent: number }> {
  const startSecond = Math.floor(Date.now() / 1000);
  let sent = 0;
  while (Math.floor(Date.now() / 1000) <= startSecond + seconds && sent < max) {
    const r = await fetch(`${url}${url.includes('?') ? '&' : '?'}i=${sent}`);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
    sent++;
  }
  return { firstFullSecond: (startSecond + 1) * 1000, sent };
}
