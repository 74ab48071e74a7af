import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createStandaloneTables } from '../../src/main/sources/postgres/migrate';
import { startEmbeddedPostgres } from './embeddedPostgres';
import { skipFor } from './needs';

export interface TestDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function poolFor(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  return pool;
}

/** Whether the run's PostgreSQL is PGlite (no server binaries, or TEST_POSTGRES=embedded) rather than a server. */
export function embeddedPostgres(): boolean {
  return inject('postgres').mode === 'embedded';
}

/**
 * Why tests that need a PostgreSQL server process (stopped, frozen, its
 * backends signalled, its settings changed) cannot run here, or null; for
 * `describe.skipIf`, recorded for the run's summary.
 */
export function postgresServerMissing(): string | null {
  const postgres = inject('postgres');
  return skipFor('postgresql', postgres.mode === 'embedded' ? postgres.why : null);
}

/**
 * A fresh database of its own for one test file, so files can run in
 * parallel: on the run's server, a database made for it; on PGlite, which
 * holds one database, an instance of its own, served on a port of its own
 * (embeddedPostgres.ts).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const postgres = inject('postgres');
  if (postgres.mode === 'embedded') {
    const embedded = await startEmbeddedPostgres(postgres.template);
    // PGlite answers any database name with its one database: the URL names the file's own, as on the server.
    const url = withDatabase(embedded.url, `monitor_test_${randomBytes(6).toString('hex')}`);
    const pool = poolFor(url);
    try {
      if (options.migrated ?? true) await createStandaloneTables(pool);
    } catch (error) {
      await pool.end();
      await embedded.stop();
      throw error;
    }
    return {
      url,
      pool,
      async drop() {
        await pool.end();
        await embedded.stop();
      },
    };
  }
  const serverUrl = inject('databaseUrl');
  const name = `monitor_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const pool = poolFor(url);
  if (options.migrated ?? true) await createStandaloneTables(pool);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
