import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Re-runs `load` every `everyMs` while the page is shown, so views update by themselves. (The API's SSE
 * feeds replace this where they exist.) A failed round keeps the last good value and reports the error.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  everyMs: number,
  deps: unknown[] = [],
): { value: T | undefined; error: string | null; refresh: () => void } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const next = await latest.current();
        if (!stopped) {
          setValue(next);
          setError(null);
        }
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped && everyMs > 0) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [everyMs, round, ...deps]);
  return { value, error, refresh: () => setRound((n) => n + 1) };
}
