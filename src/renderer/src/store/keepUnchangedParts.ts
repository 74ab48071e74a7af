import { sameContent } from './sameContent';

/**
 * The next value, with every top-level part whose content equals the previous
 * one's replaced by that previous part. A snapshot arrives as all-new objects;
 * sharing what did not change lets each section (and each memoised row) see
 * "unchanged" by identity and skip its redraw, without each comparing on its own.
 */
export function keepUnchangedParts<T extends object>(previous: T | null, next: T): T {
  if (previous === null) return next;
  const merged = { ...next };
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (sameContent(previous[key], next[key])) merged[key] = previous[key];
  }
  return merged;
}
