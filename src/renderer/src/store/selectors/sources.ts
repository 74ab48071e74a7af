import { SOURCE_LABELS } from '../../../../shared/format';
import type { Snapshot, SourceHealth, SourceName } from '../../../../shared/model';
import { sourceNameSchema } from '../../../../shared/model';

/** A source that stopped answering, whose last good reading is still shown. */
export const isStale = (health: SourceHealth): boolean => health.state === 'stale';

/** Whether the agent list leans on a failing source's last reading. */
export function agentsStale(snapshot: Snapshot): boolean {
  const from = snapshot.summary.agentsFrom ?? [];
  return from.some(
    (origin) =>
      origin !== 'process' && isStale(origin === 'registry' ? snapshot.sources.registry : snapshot.sources.postgres),
  );
}

export interface SourceBadge {
  readonly source: SourceName;
  readonly label: string;
  readonly state: SourceHealth['state'];
  readonly text: string;
}

export function selectSourceBadges(snapshot: Snapshot, formatTime: (instant: string) => string): SourceBadge[] {
  return sourceNameSchema.options.map((source) => {
    const health = snapshot.sources[source];
    const text =
      health.state === 'ok'
        ? 'ok'
        : health.state === 'no-data'
          ? 'not used'
          : health.state === 'stale' && health.lastOkAt !== null
            ? `stale since ${formatTime(health.lastOkAt)}: ${health.error ?? 'no answer'}`
            : `error: ${health.error ?? 'no answer'}`;
    return { source, label: SOURCE_LABELS[source], state: health.state, text };
  });
}
