import type { AgentRecord, SessionRecord, SourceHealth } from '../../shared/model';
import { agentsFromSessions } from '../core/agentsFromSessions';
import { errorText } from '../core/errorText';
import type { AgentReading } from '../core/snapshot';
import type { RedisRegistry } from './redisRegistry';

/**
 * - `redis`: the registry alone; when Redis fails, agents are unknown.
 * - `sessions`: derived from active sessions; Redis is never asked.
 * - `auto`: the registry when Redis answers and holds one, else derived from sessions.
 */
export const REGISTRY_MODES = ['auto', 'redis', 'sessions'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

function derived(activeSessions: readonly SessionRecord[] | null): readonly AgentRecord[] | null {
  return activeSessions === null ? null : agentsFromSessions(activeSessions);
}

/** Decides where the list of spawned agents comes from, and how healthy that answer is. */
export class AgentSource {
  /**
   * Redis drops the hash when its last agent stops, so "absent" is ambiguous.
   * Once a registry has been seen, absence means no agents rather than no registry.
   */
  private registrySeen = false;

  constructor(
    private readonly mode: RegistryMode,
    private readonly registry: RedisRegistry | null,
  ) {}

  /** `activeSessions` is awaited only when the agents must be derived from them, so both sources are read at once. */
  async read(activeSessions: Promise<readonly SessionRecord[] | null>): Promise<AgentReading> {
    if (this.mode === 'sessions' || this.registry === null) {
      return { agents: derived(await activeSessions), health: fine('sessions', []) };
    }
    let reading;
    try {
      reading = await this.registry.readAgents();
    } catch (error) {
      const fallback = this.mode === 'auto' ? derived(await activeSessions) : null;
      const health: SourceHealth = { state: 'error', error: errorText(error), dropped: 0, droppedReasons: [] };
      if (fallback !== null) health.agentsFrom = 'sessions';
      return { agents: fallback, health };
    }
    const { exists, agents } = reading.value;
    this.registrySeen ||= exists;
    if (this.mode === 'auto' && !this.registrySeen) {
      return { agents: derived(await activeSessions), health: fine('sessions', reading.dropped) };
    }
    return { agents, health: fine('registry', reading.dropped) };
  }
}

function fine(agentsFrom: AgentRecord['origin'], dropped: readonly string[]): SourceHealth {
  return { state: 'ok', dropped: dropped.length, droppedReasons: [...dropped], agentsFrom };
}
