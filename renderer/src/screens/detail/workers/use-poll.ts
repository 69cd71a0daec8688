// Calls `load` now and every `ms` while mounted (for data the event stream does not carry, e.g. workers).
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../../../server-core/src/control/api-error';

export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  ms: number,
): { data: T | null; error: string | null; refresh: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = async () => {
      try {
        const d = await loadRef.current(ctrl.signal);
        if (!ctrl.signal.aborted) {
          setData(d);
          setError(null);
        }
      } catch (e) {
        if (!ctrl.signal.aborted) setError(errorMessage(e));
      }
      if (!ctrl.signal.aborted) timer = setTimeout(run, ms);
    };
    void run();
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [ms, tick]);

  return { data, error, refresh };
}
