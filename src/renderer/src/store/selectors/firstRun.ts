import type { Snapshot } from '../../../../shared/model';

/**
 * Nothing to show yet and nothing to read it from: no snapshot arrived, or
 * PostgreSQL has never answered and no agent is known either. A look at this
 * machine's processes that found none is no agent known: on a machine without
 * ECHO it answers "none" every time.
 */
export function isFirstRun(snapshot: Snapshot | null, connectionLost: boolean): boolean {
  if (snapshot === null) return connectionLost;
  return snapshot.sources.postgres.state === 'error' && (snapshot.agents === null || snapshot.agents.length === 0);
}
