import type { AgentOrigin, AgentRecord, SessionRecord } from '../../shared/model';
import { agentsFromSessions } from './agentsFromSessions';
import type { RegistryData } from './readings';
import type { Shown } from './sourceHealth';

/**
 * - `redis`: the registry alone; while Redis has never answered, agents are unknown.
 * - `sessions`: derived from active sessions; Redis is never asked.
 * - `auto`: the registry when Redis holds one, else derived from active sessions.
 */
export const REGISTRY_MODES = ['auto', 'redis', 'sessions'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

export interface AgentChoice {
  readonly agents: readonly AgentRecord[] | null;
  readonly from: AgentOrigin | null;
  /** True when the list comes from a source that failed this poll. */
  readonly stale: boolean;
}

/**
 * Where the list of spawned agents comes from. `registrySeen` settles an
 * ambiguity: Redis deletes the hash with its last field, so once a registry
 * has been seen, its absence means no agents rather than no registry.
 */
export function chooseAgents(
  mode: RegistryMode,
  registry: Shown<RegistryData> | null,
  registrySeen: boolean,
  sessions: Shown<readonly SessionRecord[]> | null,
): AgentChoice {
  if (mode !== 'sessions' && registry !== null && (mode === 'redis' || registrySeen || registry.value.exists)) {
    return { agents: registry.value.agents, from: 'registry', stale: registry.stale };
  }
  if (mode === 'redis' || sessions === null) return { agents: null, from: null, stale: false };
  return { agents: agentsFromSessions(sessions.value), from: 'sessions', stale: sessions.stale };
}
