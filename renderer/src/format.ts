// Number and time formatting used across screens, so "1.2 k/s" and "35 ms" look the same everywhere.
import { RATE_WINDOW_SECONDS } from './api/contract';

/** How the UI names the window every per-second figure averages over (the contract's), e.g. "5 s average". */
export function rateWindowLabel(): string {
  return `${RATE_WINDOW_SECONDS} s average`;
}

/** Workers up, beside the count wanted when given: "0 up" next to a count already shown, else "0 of 2 up". */
export function fmtWorkersUp(up: number, wanted?: number): string {
  return wanted === undefined ? `${up} up` : `${up} of ${wanted} up`;
}

export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k`;
  if (perSecond >= 100) return perSecond.toFixed(0);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(perSecond === 0 ? 0 : 2);
}

export function fmtPercent(share: number | null): string {
  if (share === null) return '–';
  const p = share * 100;
  return `${p === 0 ? '0' : p < 0.1 ? '<0.1' : p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}

/** From this share of 5xx responses an error rate is red; any error below it is amber (worth a look, not an alarm). */
const ERROR_RATE_RED = 0.01;

/** The tone of a share of 5xx responses, the same wherever one is shown (tone-warn-text / tone-err-text). */
export function errorRateTone(share: number | null): 'warn' | 'err' | null {
  if (share === null || !(share > 0)) return null;
  return share >= ERROR_RATE_RED ? 'err' : 'warn';
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** hh:mm:ss.mmm in local time: requests arrive many per second, the milliseconds matter. */
export function fmtClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function fmtUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
