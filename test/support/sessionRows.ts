import { randomBytes } from 'node:crypto';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { CATEGORY_AGENTS } from '../../src/main/core/echoRoster';

export interface SessionSeed {
  readonly sessionId?: string;
  readonly category?: string;
  readonly description?: string | null;
  readonly agents?: readonly (string | null)[] | null;
  /** An instant with `Z`, or a raw SQL timestamp literal such as 'infinity'. */
  readonly startedAt: string;
  readonly endedAt?: string | null;
  readonly totalAgentsSpawned?: number | null;
  readonly status?: string | null;
}

/** ECHO writes UTC into `timestamp without time zone`: `2026-11-24T14:23:05Z` → `2026-11-24 14:23:05`. */
function naiveUtc(value: string): string {
  return value.endsWith('Z') ? value.slice(0, -1).replace('T', ' ') : value;
}

export function newSessionId(startedAt: string): string {
  return `session_${Math.floor(Date.parse(startedAt) / 1000)}_${randomBytes(4).toString('hex')}`;
}

/** Inserts rows the way ECHO's delegator does, including the columns the monitor never reads. */
export async function insertSessions(sql: SqlClient, seeds: readonly SessionSeed[]): Promise<void> {
  for (const seed of seeds) {
    const category = seed.category ?? 'development';
    const agents = seed.agents === undefined ? [...(CATEGORY_AGENTS[category] ?? [])] : seed.agents;
    await sql.query(
      `INSERT INTO delegator_sessions
         (session_id, task_category, task_description, active_agents, context, started_at, ended_at,
          total_agents_spawned, tasks_delegated, status, inserted_at, updated_at)
       VALUES ($1, $2, $3, $4, '{"source":"test"}', $5::timestamp, $6::timestamp, $7, 0, $8, now(), now())`,
      [
        seed.sessionId ?? newSessionId(seed.startedAt.endsWith('Z') ? seed.startedAt : '2026-01-01T00:00:00Z'),
        category,
        seed.description === undefined ? `Work on ${category}` : seed.description,
        agents,
        naiveUtc(seed.startedAt),
        seed.endedAt ? naiveUtc(seed.endedAt) : null,
        seed.totalAgentsSpawned === undefined ? (agents?.length ?? 0) : seed.totalAgentsSpawned,
        seed.status === undefined ? (seed.endedAt ? 'completed' : 'active') : seed.status,
      ],
    );
  }
}
