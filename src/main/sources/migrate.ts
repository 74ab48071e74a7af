import type { SqlClient } from './sqlClient';

/**
 * ECHO's table exactly as ECHO creates it, for standalone use and the demo.
 * Every statement is IF NOT EXISTS: an existing table is never changed.
 */
const STATEMENTS = [
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

export type MigrationResult = 'created' | 'exists';

async function tableExists(sql: SqlClient): Promise<boolean> {
  const { rows } = await sql.query(`SELECT to_regclass('delegator_sessions') IS NOT NULL AS present`);
  const first = rows[0];
  return typeof first === 'object' && first !== null && 'present' in first && first.present === true;
}

/** Creates ECHO's table and indexes where the table is missing; leaves an existing one alone. */
export async function migrate(sql: SqlClient): Promise<MigrationResult> {
  if (await tableExists(sql)) return 'exists';
  for (const statement of STATEMENTS) await sql.query(statement);
  return 'created';
}
