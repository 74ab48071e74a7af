import type { SqlClient } from './sqlClient';

/**
 * ECHO's tables exactly as ECHO creates them, for standalone use and the demo.
 * Each table is checked on its own, since an older ECHO has the sessions but
 * no `agent_status`; an existing table is never changed.
 */
const SESSIONS = [
  `CREATE TABLE IF NOT EXISTS delegator_sessions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     session_id varchar(255) NOT NULL,
     task_category varchar(255) NOT NULL,
     task_description text,
     active_agents varchar(255)[] DEFAULT '{}',
     context jsonb DEFAULT '{}',
     started_at timestamp(0) NOT NULL,
     ended_at timestamp(0),
     total_agents_spawned integer DEFAULT 0,
     tasks_delegated integer DEFAULT 0,
     status varchar(255) DEFAULT 'active',
     inserted_at timestamp(0) NOT NULL,
     updated_at timestamp(0) NOT NULL
   )`,
  'CREATE UNIQUE INDEX IF NOT EXISTS delegator_sessions_session_id_index ON delegator_sessions (session_id)',
  'CREATE INDEX IF NOT EXISTS delegator_sessions_started_at_index ON delegator_sessions (started_at)',
  'CREATE INDEX IF NOT EXISTS delegator_sessions_status_index ON delegator_sessions (status)',
  'CREATE INDEX IF NOT EXISTS delegator_sessions_task_category_index ON delegator_sessions (task_category)',
];

/** What ECHO's AgentHealthMonitor upserts every 5 s per running agent. */
const AGENT_STATUS = [
  `CREATE TABLE IF NOT EXISTS agent_status (
     role varchar(255) PRIMARY KEY,
     status varchar(255) NOT NULL,
     last_heartbeat timestamp(0) NOT NULL,
     version varchar(255),
     capabilities jsonb,
     metadata jsonb
   )`,
  'CREATE INDEX IF NOT EXISTS agent_status_last_heartbeat_index ON agent_status (last_heartbeat)',
];

export type MigrationResult = 'created' | 'exists';

/** What `migrateTables` did to each of ECHO's tables. */
export interface TablesMigration {
  readonly delegatorSessions: MigrationResult;
  readonly agentStatus: MigrationResult;
}

async function tableExists(sql: SqlClient, table: string): Promise<boolean> {
  const { rows } = await sql.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
  const first = rows[0];
  return typeof first === 'object' && first !== null && 'present' in first && first.present === true;
}

async function createMissing(sql: SqlClient, table: string, statements: readonly string[]): Promise<MigrationResult> {
  if (await tableExists(sql, table)) return 'exists';
  for (const statement of statements) await sql.query(statement);
  return 'created';
}

/** Creates each of ECHO's tables, with its indexes, where it is missing; leaves existing ones alone. */
export async function migrateTables(sql: SqlClient): Promise<TablesMigration> {
  const delegatorSessions = await createMissing(sql, 'delegator_sessions', SESSIONS);
  const agentStatus = await createMissing(sql, 'agent_status', AGENT_STATUS);
  return { delegatorSessions, agentStatus };
}

/**
 * Creates ECHO's tables where they are missing, and says what became of
 * `delegator_sessions` (the table the `migrate` command reports on).
 */
export async function migrate(sql: SqlClient): Promise<MigrationResult> {
  return (await migrateTables(sql)).delegatorSessions;
}
