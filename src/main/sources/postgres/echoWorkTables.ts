import { z } from 'zod';

/**
 * Which of ECHO's tables (and the one column added later) a database holds.
 * ECHO's migrations (apps/echo_shared/priv/repo/migrations/) add them over
 * time, so an older ECHO lacks some: that part of its work is simply absent.
 */
export interface EchoTables {
  readonly messages: boolean;
  /** `messages.processing_error`, from migration 20251102211800: before it, ECHO records no failures. */
  readonly messageErrors: boolean;
  readonly decisions: boolean;
  readonly decisionVotes: boolean;
  readonly llmSessions: boolean;
  readonly workflows: boolean;
  readonly flows: boolean;
}

/** A current ECHO: what a reader assumes before it has asked, never what it reports. */
export const ALL_TABLES: EchoTables = {
  messages: true,
  messageErrors: true,
  decisions: true,
  decisionVotes: true,
  llmSessions: true,
  workflows: true,
  flows: true,
};

/**
 * One JSON value saying which tables exist. Always valid SQL, whatever the
 * schema holds (`to_regclass` answers NULL for a missing table), so it can
 * ride in any statement; each lookup is one probe of the catalog's indexes.
 */
export const WORK_TABLES_SQL = `json_build_object(
    'messages', to_regclass('messages') IS NOT NULL,
    'messageErrors', EXISTS (SELECT FROM pg_attribute
                              WHERE attrelid = to_regclass('messages') AND attname = 'processing_error' AND NOT attisdropped),
    'decisions', to_regclass('decisions') IS NOT NULL,
    'decisionVotes', to_regclass('decision_votes') IS NOT NULL,
    'llmSessions', to_regclass('llm_sessions') IS NOT NULL,
    'workflows', to_regclass('workflow_executions') IS NOT NULL,
    'flows', to_regclass('flow_executions') IS NOT NULL)`;

const tablesSchema = z.object({
  messages: z.boolean(),
  messageErrors: z.boolean(),
  decisions: z.boolean(),
  decisionVotes: z.boolean(),
  llmSessions: z.boolean(),
  workflows: z.boolean(),
  flows: z.boolean(),
});

/** The answer of WORK_TABLES_SQL; throws on anything else (it is our own SQL, so that would be a bug). */
export function parseWorkTables(value: unknown): EchoTables {
  const tables = tablesSchema.parse(value);
  // A column of a missing table is missing too; so are the votes of missing decisions.
  return {
    ...tables,
    messageErrors: tables.messages && tables.messageErrors,
    decisionVotes: tables.decisions && tables.decisionVotes,
  };
}

export const tablesKey = (tables: EchoTables): string =>
  (Object.keys(ALL_TABLES) as (keyof EchoTables)[]).map((name) => (tables[name] ? '1' : '0')).join('');

/** PostgreSQL's SQLSTATEs for a table, or a column, that does not exist. */
const UNDEFINED = new Set(['42P01', '42703']);

/**
 * A statement that names a table or column the schema lacks: it went away (or never was) since the tables were read.
 */
export function isMissingTableOrColumn(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && UNDEFINED.has(error.code);
}
