/**
 * The little the session store needs from a database client. A `pg` Pool and
 * PGlite both satisfy it, so the same queries run on either.
 */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}
