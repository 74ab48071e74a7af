import type { Snapshot } from '../../../../shared/model';

/**
 * Nothing to show yet and nothing to read it from: no snapshot arrived, or
 * PostgreSQL has never answered and no agents are known either.
 */
export function isFirstRun(snapshot: Snapshot | null, connectionLost: boolean): boolean {
  if (snapshot === null) return connectionLost;
  return snapshot.sources.postgres.state === 'error' && snapshot.agents === null;
}
