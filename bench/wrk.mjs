// Runs wrk and reads its report: requests/s, latency percentiles, errors.
import { spawn } from 'node:child_process';

const UNIT = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };

/** "1.23ms" → 1.23 (milliseconds). */
export function parseDuration(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: unreadable duration ${text}`);
  return Number(m[1]) * UNIT[m[2]];
}

export function parseWrk(out) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`wrk: no Requests/sec in output:\n${out}`);
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out);
    return m ? parseDuration(m[1]) : null;
  };
  const requests = /(\d+) requests in/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(rps[1]),
    requests: requests ? Number(requests[1]) : null,
    p50: pct(50),
    p75: pct(75),
    p90: pct(90),
    p99: pct(99),
    errors: {
      connect: sock ? Number(sock[1]) : 0,
      read: sock ? Number(sock[2]) : 0,
      write: sock ? Number(sock[3]) : 0,
      timeout: sock ? Number(sock[4]) : 0,
      non2xx: non2xx ? Number(non2xx[1]) : 0,
    },
  };
}

export function runWrk({ url, threads = 2, connections = 64, durationS = 10, script = null, timeoutS = 10, headers = [], extra = [] }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${durationS}s`, `--timeout`, `${timeoutS}s`, '--latency'];
  for (const h of headers) args.push('-H', h);
  if (script) args.push('-s', script);
  args.push(url, ...extra);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => {
      // after stdout is fully read, unlike 'exit'
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      try {
        resolve({ ...parseWrk(out), command: `wrk ${args.join(' ')}` });
      } catch (e) {
        reject(e);
      }
    });
  });
}
