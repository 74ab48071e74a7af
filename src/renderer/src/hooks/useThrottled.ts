import { useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `intervalMs`: the first change at once,
 * the rest of a burst as one trailing update. For views such as the resource
 * chart, whose redraw costs more than a burst of snapshots is worth.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastShownAt = useRef(-Infinity);
  useEffect(() => {
    if (Object.is(value, shown)) return undefined;
    const wait = lastShownAt.current + intervalMs - performance.now();
    const show = () => {
      lastShownAt.current = performance.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return undefined;
    }
    const timer = setTimeout(show, wait);
    return () => {
      clearTimeout(timer);
    };
  }, [value, shown, intervalMs]);
  return shown;
}
