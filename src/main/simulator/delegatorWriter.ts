import type { Redis } from 'ioredis';
import type { SqlClient } from '../sources/postgres/sqlClient';
import type { SessionRow } from './sessionPlan';

/** ECHO stores UTC in `timestamp without time zone`. */
export const utc = (instant: number): string => new Date(instant).toISOString().slice(0, 19).replace('T', ' ');

/** A registry entry exactly as the protocol spells it. */
export interface RegistryEntry {
  readonly role: string;
  readonly model: string;
  readonly spawned_at: string;
  readonly session_id: string;
  readonly host: string;
  readonly status: 'starting' | 'running' | 'stopping' | 'error';
  readonly last_heartbeat: string;
  readonly pid?: number;
}

/** The version ECHO's agents put in their heartbeat's metadata (`EchoShared.HeartbeatWorker`). */
export const AGENT_VERSION = '1.0.0';
/** Erlang's `Node.self()` on a VM started without a node name, as ECHO's agents run: the same for every agent. */
export const AGENT_NODE = 'nonode@nohost';

/**
 * Elixir's `DateTime.utc_now()` as JSON: ISO-8601 with microseconds and `Z`.
 * The clock gives milliseconds; a fraction of one, where it has it, fills the
 * last three digits.
 */
export function echoTimestamp(instant: number): string {
  const micros = Math.min(999, Math.max(0, Math.round((instant - Math.floor(instant)) * 1000)));
  return new Date(Math.floor(instant)).toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`);
}

/** An agent's heartbeat metadata, exactly as ECHO's agents write it: no host, no pid, no model. */
export function heartbeatMetadata(instant: number): {
  readonly version: string;
  readonly timestamp: string;
  readonly node: string;
} {
  return { version: AGENT_VERSION, timestamp: echoTimestamp(instant), node: AGENT_NODE };
}

export type DelegatorEvent = { readonly type: string; readonly at: string } & Readonly<Record<string, unknown>>;

const COLUMNS = 10;
const BATCH = 200;

/**
 * Everything ECHO writes that the monitor reads: the agents' heartbeats, and,
 * for a delegator that persists them (the guide-integrated ECHO), session rows
 * in PostgreSQL and, when there is a Redis, our agent registry and its
 * announcements.
 */
export class DelegatorWriter {
  constructor(
    private readonly sql: SqlClient,
    private readonly redis: Pick<Redis, 'hset' | 'hdel' | 'publish'> | null,
    private readonly prefix: string,
  ) {}

  /** Inserts rows, skipping session ids already there; returns how many were new. */
  async insertSessions(rows: readonly SessionRow[], now: number): Promise<number> {
    let inserted = 0;
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const values: unknown[] = [];
      const tuples = batch.map((row, index) => {
        const base = index * COLUMNS;
        values.push(
          row.sessionId,
          row.category,
          row.description,
          row.agents,
          utc(row.startedAt),
          row.endedAt === null ? null : utc(row.endedAt),
          row.agents.length,
          row.tasksDelegated,
          row.status,
          utc(now),
        );
        const slot = (offset: number): string => `$${base + offset}`;
        return `(${slot(1)}, ${slot(2)}, ${slot(3)}, ${slot(4)}::varchar[], ${slot(5)}::timestamp, ${slot(6)}::timestamp, ${slot(7)}::int, ${slot(8)}::int, ${slot(9)}, '{}'::jsonb, ${slot(10)}::timestamp, ${slot(10)}::timestamp)`;
      });
      const { rows: added } = await this.sql.query(
        `INSERT INTO delegator_sessions
           (session_id, task_category, task_description, active_agents, started_at, ended_at,
            total_agents_spawned, tasks_delegated, status, context, inserted_at, updated_at)
         VALUES ${tuples.join(', ')}
         ON CONFLICT (session_id) DO NOTHING
         RETURNING session_id`,
        values,
      );
      inserted += added.length;
    }
    return inserted;
  }

  /** A new session starts with no agents; they are added as they spawn. */
  async startSession(row: SessionRow, now: number): Promise<void> {
    await this.insertSessions([{ ...row, agents: [] }], now);
  }

  /**
   * Adds a spawned agent to its session's row, once: a write that timed out
   * may still have been applied when the server resumed, and is sent again.
   */
  async addAgent(sessionId: string, role: string, now: number): Promise<void> {
    await this.sql.query(
      `UPDATE delegator_sessions
          SET active_agents = array_append(active_agents, $2::varchar),
              total_agents_spawned = total_agents_spawned + 1,
              updated_at = $3::timestamp
        WHERE session_id = $1 AND NOT ($2::varchar = ANY (coalesce(active_agents, '{}')))`,
      [sessionId, role, utc(now)],
    );
  }

  async endSession(sessionId: string, status: 'completed' | 'error', now: number): Promise<void> {
    await this.sql.query(
      `UPDATE delegator_sessions SET ended_at = $2::timestamp, status = $3, updated_at = $2::timestamp WHERE session_id = $1`,
      [sessionId, utc(now), status],
    );
  }

  /**
   * An agent's heartbeat in ECHO's `agent_status`, as its AgentHealthMonitor
   * writes it: an upsert of status `running` (the only status ECHO writes: a
   * stopped or crashed agent's row stays `running` and goes stale), the time
   * truncated to the second in UTC, and the metadata. `version` and
   * `capabilities` are left as they are: NULL, as ECHO leaves them.
   */
  async heartbeat(role: string, now: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO agent_status (role, status, last_heartbeat, metadata)
       VALUES ($1, 'running', $2::timestamp, $3::jsonb)
       ON CONFLICT (role) DO UPDATE
         SET status = EXCLUDED.status, last_heartbeat = EXCLUDED.last_heartbeat, metadata = EXCLUDED.metadata`,
      [role, utc(now), JSON.stringify(heartbeatMetadata(now))],
    );
  }

  async registerAgent(entry: RegistryEntry): Promise<void> {
    await this.redis?.hset(`${this.prefix}agents`, entry.role, JSON.stringify(entry));
  }

  async removeAgent(role: string): Promise<void> {
    await this.redis?.hdel(`${this.prefix}agents`, role);
  }

  async announce(event: DelegatorEvent): Promise<void> {
    await this.redis?.publish(`${this.prefix}events`, JSON.stringify(event));
  }
}
