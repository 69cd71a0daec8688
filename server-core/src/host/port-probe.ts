// Does each of an app's listeners accept connections? The UI shows an app green only when this says yes.
// A connect that is closed at once: it proves the port answers without sending a request that would reach
// the app, its access log and its metrics (the Host probes every couple of seconds).
import net from 'node:net';

const WILDCARDS: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' };

/** Where to connect for a runtime URL: `http://HOST:PORT` or `unix:PATH`; null when it is neither. */
export function probeTarget(url: string): net.NetConnectOpts | null {
  if (url.startsWith('unix:')) return { path: url.slice(5) };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { host: WILDCARDS[host] ?? host, port };
}

export function connectProbe(url: string, timeoutMs = 1000): Promise<boolean> {
  const target = probeTarget(url);
  if (!target) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(target);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** True when there is at least one URL and every one of them accepts a connection. */
export async function allAnswer(urls: readonly string[], timeoutMs = 1000): Promise<boolean> {
  if (urls.length === 0) return false;
  const results = await Promise.all(urls.map((u) => connectProbe(u, timeoutMs)));
  return results.every(Boolean);
}
