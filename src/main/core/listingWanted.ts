import type { Snapshot } from '../../shared/model';
import { missingHere } from './agentWarnings';

/**
 * Whether this machine's processes should be listed now rather than at the
 * listing's turn: an agent beats with no process known here, and no warning
 * says so yet, because no listing has run since (it may have just started).
 * Once one has, the agent is found or the warning stands, and this is false.
 */
export function listingWanted(snapshot: Snapshot): boolean {
  const warned = new Set(
    snapshot.warnings.filter((warning) => warning.kind === 'agent-process-gone').map((warning) => warning.role),
  );
  // Asked only where processes are scanned: the scanner that calls this is the proof.
  return (snapshot.agents ?? []).some(
    (agent) => missingHere(agent, { processesHere: true }) && !warned.has(agent.role),
  );
}
