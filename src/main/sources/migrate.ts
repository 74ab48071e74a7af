import type { SqlClient } from './sqlClient';

/*
 * The two tables the monitor reads, exactly as ECHO's Ecto migrations create
 * them (`20251111190002_create_delegator_sessions.exs`, and `agent_status` in
 * `20251102211000_create_base_tables.exs`). ECHO creates them itself, and its
 * first migration fails where `agent_status` already exists: they are created
 * here only in a database the monitor alone uses (the demo, tests, a
 * standalone dashboard). Each is checked on its own; an existing table is
 * never changed.
 */
const SESSIONS = [
  `CREATE TABLE IF NOT EXISTS delegator_sessions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     session_id varchar(255) NOT NULL,
     task_category varchar(255) NOT NULL,
     task_description text,
     active_agents varchar(255)[] DEFAULT ARRAY[]::varchar[],
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

/** The tables ECHO's first migration creates besides `agent_status`: any of them says ECHO migrates this database. */
export const ECHO_BASE_TABLES = ['decisions', 'messages', 'memories', 'decision_votes'] as const;

export type MigrationResult = 'created' | 'exists';

/** What `createStandaloneTables` did to each table. */
export interface TablesMigration {
  readonly delegatorSessions: MigrationResult;
  readonly agentStatus: MigrationResult;
}

/** What a database holds of ECHO's schema. */
export interface SchemaSurvey {
  /** Ecto's `schema_migrations`, with its latest version (null when it is empty); null where there is no such table. */
  readonly echoMigrations: { readonly latest: string | null } | null;
  /** Those of `ECHO_BASE_TABLES` that exist. */
  readonly echoTables: readonly string[];
  readonly delegatorSessions: boolean;
  readonly agentStatus: boolean;
}

async function tableExists(sql: SqlClient, table: string): Promise<boolean> {
  const { rows } = await sql.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
  const first = rows[0];
  return typeof first === 'object' && first !== null && 'present' in first && first.present === true;
}

async function latestMigration(sql: SqlClient): Promise<string | null> {
  const { rows } = await sql.query('SELECT max(version)::text AS latest FROM schema_migrations');
  const first = rows[0];
  return typeof first === 'object' && first !== null && 'latest' in first && typeof first.latest === 'string' ? first.latest : null;
}

/** Reads, and changes nothing: whether ECHO's migrations have run here, and which of the monitor's tables exist. */
export async function surveySchema(sql: SqlClient): Promise<SchemaSurvey> {
  const echoMigrations = (await tableExists(sql, 'schema_migrations')) ? { latest: await latestMigration(sql) } : null;
  const echoTables: string[] = [];
  for (const table of ECHO_BASE_TABLES) if (await tableExists(sql, table)) echoTables.push(table);
  return {
    echoMigrations,
    echoTables,
    delegatorSessions: await tableExists(sql, 'delegator_sessions'),
    agentStatus: await tableExists(sql, 'agent_status'),
  };
}

/** Whether ECHO's migrations have run, or started, in the surveyed database: then ECHO creates its tables, never the monitor. */
export function echoMigratesHere(survey: SchemaSurvey): boolean {
  return survey.echoMigrations !== null || survey.echoTables.length > 0;
}

async function createMissing(sql: SqlClient, table: string, statements: readonly string[]): Promise<MigrationResult> {
  if (await tableExists(sql, table)) return 'exists';
  for (const statement of statements) await sql.query(statement);
  return 'created';
}

/**
 * Creates `delegator_sessions` and `agent_status`, with their indexes, each
 * where it is missing, and leaves existing ones alone. Only for a database
 * the caller owns and ECHO never migrates (the demo's, a test's): use
 * `migrateStandalone` for one that is not known to be.
 */
export async function createStandaloneTables(sql: SqlClient): Promise<TablesMigration> {
  const delegatorSessions = await createMissing(sql, 'delegator_sessions', SESSIONS);
  const agentStatus = await createMissing(sql, 'agent_status', AGENT_STATUS);
  return { delegatorSessions, agentStatus };
}

export type StandaloneMigration =
  | { readonly refused: false; readonly tables: TablesMigration }
  /** ECHO's migrations have run or started there: nothing was created. */
  | { readonly refused: true; readonly survey: SchemaSurvey };

/**
 * `createStandaloneTables`, unless the database shows ECHO's migrations
 * (Ecto's `schema_migrations`, or a table of ECHO's first migration): then it
 * creates nothing and says why. Run it in a transaction to make the check and
 * the creation one step.
 */
export async function migrateStandalone(sql: SqlClient): Promise<StandaloneMigration> {
  const survey = await surveySchema(sql);
  if (echoMigratesHere(survey)) return { refused: true, survey };
  return { refused: false, tables: await createStandaloneTables(sql) };
}
