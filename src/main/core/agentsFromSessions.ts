import type { AgentRecord, SessionRecord } from '../../shared/model';
import { defaultModelFor } from './echoRoster';

/**
 * Agents as the active sessions' `active_agents` name them, for when no registry
 * answers. ECHO runs one agent per role, so a role named by two sessions is one
 * agent, spawned when the earlier of them started.
 */
export function agentsFromSessions(activeSessions: readonly SessionRecord[]): AgentRecord[] {
  const byRole = new Map<string, AgentRecord>();
  for (const session of activeSessions) {
    for (const role of session.agents) {
      const known = byRole.get(role);
      if (known?.spawnedAt && known.spawnedAt <= session.startedAt) continue;
      byRole.set(role, {
        role,
        model: defaultModelFor(role),
        spawnedAt: session.startedAt,
        sessionId: session.sessionId,
        pid: null,
        host: null,
        status: null,
        lastHeartbeat: null,
        origins: ['sessions'],
      });
    }
  }
  return [...byRole.values()].sort((a, b) => a.role.localeCompare(b.role));
}
