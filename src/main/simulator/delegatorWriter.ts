import type { Redis } from 'ioredis';
import type { SqlClient } from '../sources/sqlClient';
import type { SessionRow } from './sessionPlan';

/** ECHO stores UTC in `timestamp without time zone`. */
const utc = (instant: number): string => new Date(instant).toISOString().slice(0, 19).replace('T', ' ');

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

export type DelegatorEvent = { readonly type: string; readonly at: string } & Readonly<Record<string, unknown>>;

const COLUMNS = 10;
const BATCH = 200;

/**
 * Everything a delegator writes: session rows in PostgreSQL, and, when there is
 * a Redis, the agent registry and its announcements.
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

  async addAgent(sessionId: string, role: string, now: number): Promise<void> {
    await this.sql.query(
      `UPDATE delegator_sessions
          SET active_agents = array_append(active_agents, $2::varchar),
              total_agents_spawned = total_agents_spawned + 1,
              updated_at = $3::timestamp
        WHERE session_id = $1`,
      [sessionId, role, utc(now)],
    );
  }

  async endSession(sessionId: string, status: 'completed' | 'error', now: number): Promise<void> {
    await this.sql.query(
      `UPDATE delegator_sessions SET ended_at = $2::timestamp, status = $3, updated_at = $2::timestamp WHERE session_id = $1`,
      [sessionId, utc(now), status],
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
