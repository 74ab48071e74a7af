import { formatDuration, SOURCE_LABELS } from '../../shared/format';
import type { SourceHealth, SourceName } from '../../shared/model';
import { isDown } from './sourceHealth';

/** When each source that is down went down (ms), as the log last told it. */
export type SourcesDown = Readonly<Partial<Record<SourceName, number>>>;

export interface SourceTransition {
  readonly source: SourceName;
  readonly kind: 'down' | 'back';
  /** `Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383`, `PostgreSQL back after 2m 5s`. */
  readonly line: string;
}

/**
 * What changed in the sources' state since the last snapshot: a source going
 * down, with its reason, and coming back, with how long it was down. A source
 * that keeps failing says nothing more, however often it is tried (a Redis
 * that is not there is tried twice a second); one not read at all
 * (`no-data`, switched off) is neither.
 */
export function sourceTransitions(
  down: SourcesDown,
  sources: Readonly<Record<SourceName, SourceHealth>>,
  now: number,
): { readonly down: SourcesDown; readonly transitions: readonly SourceTransition[] } {
  const next: Partial<Record<SourceName, number>> = {};
  const transitions: SourceTransition[] = [];
  for (const source of Object.keys(SOURCE_LABELS) as SourceName[]) {
    const health = sources[source];
    const since = down[source];
    if (isDown(health) && since === undefined) {
      next[source] = now;
      transitions.push({
        source,
        kind: 'down',
        line: `${SOURCE_LABELS[source]} down: ${health.error ?? health.lastError ?? 'no answer'}`,
      });
    } else if (health.state === 'ok' && since !== undefined) {
      transitions.push({
        source,
        kind: 'back',
        line: `${SOURCE_LABELS[source]} back after ${formatDuration((now - since) / 1000)}`,
      });
    } else if (since !== undefined) {
      next[source] = since;
    }
  }
  return { down: transitions.length === 0 ? down : next, transitions };
}
