// When the window's renderer process dies (crash, out of memory, killed), reload the page so the user is not
// left with a blank window — but at most a few times a minute, so a page that crashes on load does not spin.

const MAX_RELOADS = 3;
const RELOAD_WINDOW_MS = 60_000;

/** Reasons from Electron's render-process-gone worth a reload; 'clean-exit' and the like are not. */
const RECOVERABLE: ReadonlySet<string> = new Set(['crashed', 'oom', 'killed', 'abnormal-exit', 'launch-failed', 'memory-eviction']);

/**
 * Decides whether to reload now. `recent` holds the times of earlier reloads; the returned list is what to keep.
 */
export function reloadDecision(
  reason: string,
  recent: readonly number[],
  now: number,
): { readonly reload: boolean; readonly recent: readonly number[] } {
  const kept = recent.filter((t) => now - t < RELOAD_WINDOW_MS);
  if (!RECOVERABLE.has(reason) || kept.length >= MAX_RELOADS) return { reload: false, recent: kept };
  return { reload: true, recent: [...kept, now] };
}
