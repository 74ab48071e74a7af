import type { SourceHealth } from '../../shared/model';
import type { SnapshotBase } from './snapshot';

export const isFresh = (health: SourceHealth): boolean => health.state === 'ok';

/** Whether the agent list was read this poll from every source it comes from. */
export function agentsFresh(snapshot: Pick<SnapshotBase, 'agents' | 'sources' | 'summary'>): boolean {
  const from = snapshot.summary.agentsFrom;
  if (from === null || snapshot.agents === null) return false;
  // Processes are read on this machine every poll: only the registry and PostgreSQL can fall behind.
  return from.every(
    (origin) =>
      origin === 'process' || isFresh(origin === 'registry' ? snapshot.sources.registry : snapshot.sources.postgres),
  );
}
