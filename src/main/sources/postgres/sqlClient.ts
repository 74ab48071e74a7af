import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * The little the session store needs from a database client. A `pg` Pool and
 * PGlite both satisfy it, so the same queries run on either.
 */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a statement that is asked again and again (every poll) as a prepared
 * statement where the client is node-postgres: each connection plans it once,
 * not on every call. Planning is most of the cost of a small statement, and
 * the quiet poll is one. The name follows from the text, since node-postgres
 * refuses one name for two texts. Elsewhere (PGlite), the statement runs as is.
 */
export function queryPlanned(sql: SqlClient, text: string, values: unknown[]): Promise<{ rows: unknown[] }> {
  if (!(sql instanceof pg.Pool || sql instanceof pg.Client)) return sql.query(text, values);
  return sql.query({ name: statementName(text), text, values });
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `delegator-monitor-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}
