// "Does the listener answer?", the one home for it. The Host's health (the UI shows an app green only when
// allAnswer says yes) is a connect closed at once: it proves the port answers without a request that would reach
// the app, its access log and its metrics (the Host probes every couple of seconds). The staging launch's last
// step (httpProbe) does send one GET /, once, because there the point is that the app itself answers.
import http from 'node:http';
import net from 'node:net';

const WILDCARDS: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' };

/** Where to reach a listener bound to `host`: a wildcard bind (0.0.0.0, ::) is reached on loopback; an IPv6
 * address may come in brackets ([::1]) and is returned without them. */
export function loopbackFor(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return WILDCARDS[bare] ?? bare;
}

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
  return { host: loopbackFor(host), port };
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

export type HttpProbeResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: string };

/** One GET / to the app (any status counts as answering); an error or no answer within timeoutMs is not ok. */
export function httpProbe(host: string, port: number, timeoutMs = 5000): Promise<HttpProbeResult> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: loopbackFor(host), port, path: '/', timeout: timeoutMs, headers: { 'user-agent': 'gantry-health' } },
      (res) => {
        res.resume();
        resolve({ ok: true, status: res.statusCode ?? 0 });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ ok: false, error: e.message }));
  });
}
