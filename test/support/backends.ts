import { PGlite } from '@electric-sql/pglite';
import { createStandaloneTables } from '../../src/main/sources/postgres/migrate';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { createTestDatabase } from './testDatabase';

/** A database the session store can run on, fresh and migrated. */
export interface SqlBackend {
  readonly sql: SqlClient;
  close(): Promise<void>;
}

export interface BackendKind {
  readonly name: string;
  open(): Promise<SqlBackend>;
}

/** The same tests run on the real server and on PGlite, the demo's embedded database. */
export const BACKENDS: readonly BackendKind[] = [
  {
    name: 'PostgreSQL server',
    async open() {
      const db = await createTestDatabase();
      return { sql: db.pool, close: () => db.drop() };
    },
  },
  {
    name: 'PGlite',
    async open() {
      const db = await PGlite.create();
      // As on the test server: an unusual zone proves no query depends on it.
      await db.query("SET TIME ZONE 'Pacific/Chatham'");
      await createStandaloneTables(db);
      return { sql: db, close: () => db.close() };
    },
  },
];
