import type { Severity } from '../../../shared/model';
import type { Thresholds } from '../../../shared/alertSettings';

export type Level = 'ok' | Severity;

export const LEVEL_RANK: Readonly<Record<Level, number>> = { ok: 0, warning: 1, critical: 2 };

/**
 * The level a value stands at, given the level already firing. Crossing a
 * threshold raises at once; falling back needs the value more than
 * `clearMargin` past it, so a value hovering at a threshold cannot flap.
 * `below` rules fire as the value drops.
 */
export function levelOf(value: number, firing: Level, thresholds: Thresholds, direction: 'above' | 'below'): Level {
  const past = (threshold: number): number => (direction === 'above' ? value - threshold : threshold - value);
  const holds = (threshold: number, level: Level): boolean =>
    past(threshold) >= 0 || (LEVEL_RANK[firing] >= LEVEL_RANK[level] && past(threshold) > -thresholds.clearMargin);
  if (holds(thresholds.critical, 'critical')) return 'critical';
  if (holds(thresholds.warning, 'warning')) return 'warning';
  return 'ok';
}
