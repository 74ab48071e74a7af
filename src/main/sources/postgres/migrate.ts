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
  return typeof first === 'object' && first !== null && 'latest' in first && typeof first.latest === 'string'
    ? first.latest
    : null;
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

/**
 * Whether ECHO's migrations have run, or started, in the surveyed database: then ECHO creates its tables, never the
 * monitor.
 */
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

/*
 * ECHO's other tables, exactly as its migrations leave them: `decisions`,
 * `messages` and `decision_votes` (20251102211000, the messages'
 * `processed_at` and `processing_error` added by 20251102211800, so last),
 * `workflow_executions` (20251102211500), `flow_executions` (20251110105523,
 * its `version` added last by 20251110184809) and `llm_sessions`
 * (20251111064936). ECHO records its work there; the simulator writes them
 * as ECHO does, and the monitor reads them. They are ECHO's to create
 * wherever ECHO migrates: here only for a database the simulator and the
 * monitor alone use (the demo's, a test's, `simulate` where ECHO's
 * migrations have not run).
 */
const DECISIONS = [
  `CREATE TABLE IF NOT EXISTS decisions (
     id uuid PRIMARY KEY,
     decision_type varchar(255) NOT NULL,
     initiator_role varchar(255) NOT NULL,
     participants varchar(255)[],
     mode varchar(255) NOT NULL,
     context jsonb NOT NULL,
     status varchar(255) DEFAULT 'pending' NOT NULL,
     consensus_score float,
     outcome jsonb,
     inserted_at timestamp(0) NOT NULL,
     updated_at timestamp(0) NOT NULL,
     completed_at timestamp(0)
   )`,
  'CREATE INDEX IF NOT EXISTS decisions_initiator_role_index ON decisions (initiator_role)',
  'CREATE INDEX IF NOT EXISTS decisions_status_index ON decisions (status)',
  'CREATE INDEX IF NOT EXISTS decisions_decision_type_index ON decisions (decision_type)',
];

const MESSAGES = [
  `CREATE TABLE IF NOT EXISTS messages (
     id bigserial PRIMARY KEY,
     from_role varchar(255) NOT NULL,
     to_role varchar(255) NOT NULL,
     type varchar(255) NOT NULL,
     subject varchar(255) NOT NULL,
     content jsonb NOT NULL,
     metadata jsonb,
     read boolean DEFAULT false,
     inserted_at timestamp(0) NOT NULL,
     processed_at timestamp(0),
     processing_error text
   )`,
  'CREATE INDEX IF NOT EXISTS messages_to_role_inserted_at_index ON messages (to_role, inserted_at)',
  'CREATE INDEX IF NOT EXISTS messages_from_role_inserted_at_index ON messages (from_role, inserted_at)',
  'CREATE INDEX IF NOT EXISTS messages_to_role_read_index ON messages (to_role, read)',
  'CREATE INDEX IF NOT EXISTS messages_to_role_read_inserted_at_index ON messages (to_role, read, inserted_at)',
];

const DECISION_VOTES = [
  `CREATE TABLE IF NOT EXISTS decision_votes (
     id bigserial PRIMARY KEY,
     decision_id uuid NOT NULL,
     CONSTRAINT decision_votes_decision_id_fkey FOREIGN KEY (decision_id) REFERENCES decisions (id) ON DELETE CASCADE,
     voter_role varchar(255) NOT NULL,
     vote varchar(255) NOT NULL,
     rationale text,
     confidence float NOT NULL,
     voted_at timestamp(0) NOT NULL
   )`,
  'CREATE UNIQUE INDEX IF NOT EXISTS decision_votes_decision_id_voter_role_index ON decision_votes (decision_id, voter_role)',
  'CREATE INDEX IF NOT EXISTS decision_votes_decision_id_index ON decision_votes (decision_id)',
];

const WORKFLOW_EXECUTIONS = [
  `CREATE TABLE IF NOT EXISTS workflow_executions (
     id varchar(255) PRIMARY KEY,
     workflow_name varchar(255) NOT NULL,
     status varchar(255) DEFAULT 'running' NOT NULL,
     context jsonb DEFAULT '{}',
     current_step integer DEFAULT 0,
     total_steps integer,
     error text,
     pause_reason varchar(255),
     inserted_at timestamp(0) NOT NULL,
     updated_at timestamp(0) NOT NULL,
     completed_at timestamp(0)
   )`,
  'CREATE INDEX IF NOT EXISTS workflow_executions_status_index ON workflow_executions (status)',
  'CREATE INDEX IF NOT EXISTS workflow_executions_workflow_name_index ON workflow_executions (workflow_name)',
  'CREATE INDEX IF NOT EXISTS workflow_executions_inserted_at_index ON workflow_executions (inserted_at)',
];

const FLOW_EXECUTIONS = [
  `CREATE TABLE IF NOT EXISTS flow_executions (
     id varchar(255) PRIMARY KEY,
     flow_module varchar(255) NOT NULL,
     status varchar(255) DEFAULT 'pending' NOT NULL,
     state jsonb DEFAULT '{}',
     current_step varchar(255),
     current_trigger varchar(255),
     route_taken varchar(255)[] DEFAULT ARRAY[]::varchar[],
     completed_steps varchar(255)[] DEFAULT ARRAY[]::varchar[],
     awaited_response jsonb,
     error text,
     pause_reason varchar(255),
     inserted_at timestamp(0) NOT NULL,
     updated_at timestamp(0) NOT NULL,
     completed_at timestamp(0),
     version integer DEFAULT 1 NOT NULL
   )`,
  'CREATE INDEX IF NOT EXISTS flow_executions_status_index ON flow_executions (status)',
  'CREATE INDEX IF NOT EXISTS flow_executions_flow_module_index ON flow_executions (flow_module)',
  'CREATE INDEX IF NOT EXISTS flow_executions_inserted_at_index ON flow_executions (inserted_at)',
  'CREATE INDEX IF NOT EXISTS flow_executions_version_index ON flow_executions (version)',
];

const LLM_SESSIONS = [
  `CREATE TABLE IF NOT EXISTS llm_sessions (
     session_id varchar(255) PRIMARY KEY,
     agent_role varchar(255) NOT NULL,
     startup_context text,
     conversation_history jsonb DEFAULT '[]',
     turn_count integer DEFAULT 0,
     total_tokens integer DEFAULT 0,
     created_at timestamp(0) NOT NULL,
     last_query_at timestamp(0) NOT NULL
   )`,
  'CREATE INDEX IF NOT EXISTS llm_sessions_agent_role_index ON llm_sessions (agent_role)',
  'CREATE INDEX IF NOT EXISTS llm_sessions_last_query_at_index ON llm_sessions (last_query_at)',
  'CREATE INDEX IF NOT EXISTS llm_sessions_created_at_index ON llm_sessions (created_at)',
];

export type EchoWorkTable =
  'decisions' | 'messages' | 'decision_votes' | 'workflow_executions' | 'flow_executions' | 'llm_sessions';

/**
 * Creates ECHO's work tables (`messages`, `decisions`, `decision_votes`,
 * `workflow_executions`, `flow_executions`, `llm_sessions`), with their
 * indexes, each where it is missing, and leaves existing ones alone. Only for
 * a database ECHO never migrates (its first migration fails on any of them):
 * check `echoMigratesHere` first where that is not known.
 */
export async function createStandaloneWorkTables(sql: SqlClient): Promise<Record<EchoWorkTable, MigrationResult>> {
  // In turn, and `decisions` before the votes that refer to it.
  return {
    decisions: await createMissing(sql, 'decisions', DECISIONS),
    messages: await createMissing(sql, 'messages', MESSAGES),
    decision_votes: await createMissing(sql, 'decision_votes', DECISION_VOTES),
    workflow_executions: await createMissing(sql, 'workflow_executions', WORKFLOW_EXECUTIONS),
    flow_executions: await createMissing(sql, 'flow_executions', FLOW_EXECUTIONS),
    llm_sessions: await createMissing(sql, 'llm_sessions', LLM_SESSIONS),
  };
}
