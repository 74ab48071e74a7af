import { useSyncExternalStore } from 'react';

/** One clock for every ticking duration on the page: a single interval however many rows tick. */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) now = Date.now();
  timer ??= setInterval(() => {
    now = Date.now();
    for (const notify of listeners) notify();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Between ticks the same value, as React requires; before the first tick, the current second. */
function read(): number {
  if (timer === null) now = Math.floor(Date.now() / 1000) * 1000;
  return now;
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, read);
}
