import { SILENT_LOGGER, type Logger } from '../core/logger';
import type { SqlClient } from '../sources/postgres/sqlClient';
import { EchoMessages, type Publisher } from './echoMessages';
import { EchoRecords } from './echoRecords';

/** Which of ECHO's work tables a database has: an ECHO whose migrations stopped early lacks some. */
export interface WorkTables {
  readonly messages: boolean;
  /** `messages.processed_at` and `processing_error` (ECHO's migration 20251102211800). */
  readonly acknowledgements: boolean;
  /** `decisions` and `decision_votes`. */
  readonly decisions: boolean;
  readonly llmSessions: boolean;
  readonly workflows: boolean;
  readonly flows: boolean;
}

const TABLES_SQL = `SELECT
    to_regclass('messages') IS NOT NULL AS messages,
    EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass('messages') AND attname = 'processing_error' AND NOT attisdropped) AS acknowledgements,
    to_regclass('decisions') IS NOT NULL AND to_regclass('decision_votes') IS NOT NULL AS decisions,
    to_regclass('llm_sessions') IS NOT NULL AS "llmSessions",
    to_regclass('workflow_executions') IS NOT NULL AS workflows,
    to_regclass('flow_executions') IS NOT NULL AS flows`;

/** Reads which of ECHO's work tables are there; changes nothing. */
export async function readWorkTables(sql: SqlClient): Promise<WorkTables> {
  const { rows } = await sql.query(TABLES_SQL);
  const row = (rows[0] ?? {}) as Partial<Record<keyof WorkTables, unknown>>;
  const has = (name: keyof WorkTables): boolean => row[name] === true;
  return {
    messages: has('messages'),
    acknowledgements: has('messages') && has('acknowledgements'),
    decisions: has('decisions'),
    llmSessions: has('llmSessions'),
    workflows: has('workflows'),
    flows: has('flows'),
  };
}

/**
 * Everything ECHO records of its agents' work, as its code writes it, in
 * the tables there are: each part of the work runs only where its table is.
 * With a publisher (a Redis), each message and decision event is also
 * published on ECHO's unprefixed channels, after it is stored.
 */
export class WorkWriter {
  readonly messages: EchoMessages;
  readonly records: EchoRecords;

  constructor(
    sql: SqlClient,
    publisher: Publisher | null,
    readonly tables: WorkTables,
    log: Logger = SILENT_LOGGER,
  ) {
    this.messages = new EchoMessages(sql, publisher, log);
    this.records = new EchoRecords(sql, this.messages);
  }

  /** A writer for the tables the database has now. */
  static async open(sql: SqlClient, publisher: Publisher | null, log: Logger = SILENT_LOGGER): Promise<WorkWriter> {
    return new WorkWriter(sql, publisher, await readWorkTables(sql), log);
  }
}
