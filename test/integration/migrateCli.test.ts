import { describe, expect, it } from 'vitest';
import { createStandaloneTables, createStandaloneWorkTables } from '../../src/main/sources/postgres/migrate';
import { refusingAddress } from '../support/deadServers';
import { applyEchoMigrations, ECHO_MIGRATIONS } from '../support/echoSchema';
import { runCliProcess } from '../support/runCliProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const FIRST = ECHO_MIGRATIONS[0] ?? '20251102211000';
const LATEST = ECHO_MIGRATIONS.at(-1) ?? '20251111190002';

/** Every table, index and sequence in the database's schema: what "creates nothing" is checked against. */
async function relations(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ relname: string }>(
    'SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() ORDER BY c.relname',
  );
  return rows.map((row) => row.relname);
}

async function indexNames(db: TestDatabase, table: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ indexname: string }>(
    'SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname',
    [table],
  );
  return rows.map((row) => row.indexname);
}

/** A database of its own for one test, dropped after it whatever happens. */
async function withDatabase(test: (db: TestDatabase) => Promise<void>): Promise<void> {
  const db = await createTestDatabase({ migrated: false });
  try {
    await test(db);
  } finally {
    await db.drop();
  }
}

const migrate = (db: TestDatabase, ...flags: string[]) =>
  runCliProcess(['migrate', ...flags], { DATABASE_URL: db.url });

describe('npm run cli -- migrate', () => {
  it("creates nothing in an empty database, and ECHO's migrations then run, its first one first", async () => {
    await withDatabase(async (db) => {
      const run = await migrate(db);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^ECHO's migrations in .+: not run \(no schema_migrations table\)\.$/m);
      expect(run.stdout).toMatch(/^delegator_sessions: missing\.$/m);
      expect(run.stdout).toMatch(/^agent_status: missing\.$/m);
      expect(run.stdout).toMatch(
        /^Created nothing: ECHO's own `mix ecto\.migrate` creates them\. .*`migrate --standalone` creates them\.$/m,
      );
      expect(await relations(db)).toEqual([]);
      // The migration that failed with `relation "agent_status" already exists` after the old migrate.
      expect(await applyEchoMigrations(db.pool, { upTo: FIRST })).toEqual([FIRST]);
      expect(await applyEchoMigrations(db.pool)).toEqual(ECHO_MIGRATIONS.slice(1));
    });
  });

  it("reports the latest version where all of ECHO's migrations ran, and creates nothing", async () => {
    await withDatabase(async (db) => {
      await applyEchoMigrations(db.pool);
      const before = await relations(db);
      const run = await migrate(db);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          `^ECHO's migrations in .+: run, the latest ${LATEST}\\.\ndelegator_sessions: exists\\.\nagent_status: exists\\.\nCreated nothing: both tables are in place\\.\n$`,
        ),
      );
      expect(await relations(db)).toEqual(before);
    });
  });

  it('says that ECHO creates what is missing where only some of its migrations ran', async () => {
    await withDatabase(async (db) => {
      await applyEchoMigrations(db.pool, { upTo: FIRST });
      const run = await migrate(db);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `: run, the latest ${FIRST}.\ndelegator_sessions: missing.\nagent_status: exists.\n`,
      );
      expect(run.stdout).toMatch(/^Created nothing: ECHO's own `mix ecto\.migrate` creates them\.$/m);
      expect(run.stdout).not.toContain('--standalone');
      expect(await applyEchoMigrations(db.pool)).toEqual(ECHO_MIGRATIONS.slice(1));
    });
  });

  it('--standalone creates both tables with their indexes in an empty database, then leaves them alone', async () => {
    await withDatabase(async (db) => {
      const first = await migrate(db, '--standalone');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        /^Created delegator_sessions and its indexes in .+\.\nCreated agent_status and its index in .+\.\n$/,
      );
      expect(await indexNames(db, 'delegator_sessions')).toEqual([
        'delegator_sessions_pkey',
        'delegator_sessions_session_id_index',
        'delegator_sessions_started_at_index',
        'delegator_sessions_status_index',
        'delegator_sessions_task_category_index',
      ]);
      expect(await indexNames(db, 'agent_status')).toEqual(['agent_status_last_heartbeat_index', 'agent_status_pkey']);
      const second = await migrate(db, '--standalone');
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(
        /^delegator_sessions already exists in .+; left unchanged\.\nagent_status already exists in .+; left unchanged\.\n$/,
      );
      // Without the flag, the same database is reported as it is.
      const report = await migrate(db);
      expect(report.stdout).toMatch(/^Created nothing: both tables are in place\.$/m);
    });
  });

  it('--standalone never changes a table that already exists', async () => {
    await withDatabase(async (db) => {
      await db.pool.query('CREATE TABLE delegator_sessions (session_id text, extra int)');
      const run = await migrate(db, '--standalone');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^delegator_sessions already exists in .+; left unchanged\.\nCreated agent_status and its index in /,
      );
      const { rows } = await db.pool.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'delegator_sessions' ORDER BY column_name",
      );
      expect(rows.map((row) => row.column_name)).toEqual(['extra', 'session_id']);
    });
  });

  it.each([
    [
      "all of ECHO's migrations ran",
      (db: TestDatabase) => applyEchoMigrations(db.pool),
      `ECHO's migrations have run there (schema_migrations, latest ${LATEST})`,
    ],
    [
      "ECHO's first migration ran",
      (db: TestDatabase) => applyEchoMigrations(db.pool, { upTo: FIRST }),
      `ECHO's migrations have run there (schema_migrations, latest ${FIRST})`,
    ],
    [
      "Ecto's schema_migrations exists, empty",
      (db: TestDatabase) =>
        db.pool.query('CREATE TABLE schema_migrations (version bigint PRIMARY KEY, inserted_at timestamp(0))'),
      "Ecto's schema_migrations exists there",
    ],
    [
      "tables of ECHO's first migration exist without schema_migrations",
      (db: TestDatabase) =>
        db.pool.query(
          'CREATE TABLE messages (id bigserial PRIMARY KEY); CREATE TABLE decision_votes (id bigserial PRIMARY KEY)',
        ),
      "ECHO's tables messages, decision_votes exist there",
    ],
  ])('--standalone refuses and creates nothing where %s', async (_where, prepare, reason) => {
    await withDatabase(async (db) => {
      await prepare(db);
      const before = await relations(db);
      const run = await migrate(db, '--standalone');
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^migrate: refused to create tables in [^\n]+\n$/);
      expect(run.stderr).toContain(`: ${reason}, and ECHO's own \`mix ecto.migrate\` creates them;`);
      expect(await relations(db)).toEqual(before);
    });
  });

  it('exits 2 with the reason when PostgreSQL cannot be reached, with and without --standalone', async () => {
    const dead = await refusingAddress();
    for (const flags of [[], ['--standalone']]) {
      const run = await runCliProcess(['migrate', ...flags], {
        DATABASE_URL: `postgres://u@${dead.host}:${dead.port}/db`,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^migrate: cannot reach or (read|change) /);
      expect(run.stderr).toContain(`ECONNREFUSED ${dead.host}:${dead.port}`);
    }
  });
});

interface ColumnShape {
  readonly column_name: string;
  readonly ordinal_position: number;
  readonly data_type: string;
  readonly udt_name: string;
  readonly character_maximum_length: number | null;
  readonly datetime_precision: number | null;
  readonly column_default: string | null;
  readonly is_nullable: string;
}

/** A table as the catalog describes it: its columns, indexes and constraints. */
async function tableShape(
  db: TestDatabase,
  table: string,
): Promise<{ columns: ColumnShape[]; indexes: string[]; constraints: string[] }> {
  const columns = await db.pool.query<ColumnShape>(
    `SELECT column_name, ordinal_position, data_type, udt_name, character_maximum_length, datetime_precision, column_default, is_nullable
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const indexes = await db.pool.query<{ indexdef: string }>(
    'SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname',
    [table],
  );
  const constraints = await db.pool.query<{ constraint: string }>(
    `SELECT constraint_name || ' ' || constraint_type AS constraint FROM information_schema.table_constraints
      WHERE table_schema = current_schema() AND table_name = $1 AND constraint_type <> 'CHECK' ORDER BY constraint_name`,
    [table],
  );
  return {
    columns: columns.rows,
    indexes: indexes.rows.map((row) => row.indexdef),
    constraints: constraints.rows.map((row) => row.constraint),
  };
}

describe("ECHO's schema as transcribed in test/fixtures/echo", () => {
  it.each(['delegator_sessions', 'agent_status'])(
    'creates %s exactly as createStandaloneTables does',
    async (table) => {
      await withDatabase(async (echo) => {
        await withDatabase(async (standalone) => {
          await applyEchoMigrations(echo.pool);
          await createStandaloneTables(standalone.pool);
          const expected = await tableShape(echo, table);
          expect(expected.columns.length).toBeGreaterThan(5);
          expect(expected.indexes.length).toBeGreaterThan(1);
          expect(await tableShape(standalone, table)).toEqual(expected);
        });
      });
    },
  );

  it("creates ECHO's work tables exactly as its migrations leave them, each where it is missing", async () => {
    await withDatabase(async (echo) => {
      await withDatabase(async (standalone) => {
        await applyEchoMigrations(echo.pool);
        const tables = [
          'messages',
          'decisions',
          'decision_votes',
          'llm_sessions',
          'workflow_executions',
          'flow_executions',
        ] as const;
        expect(await createStandaloneWorkTables(standalone.pool)).toEqual(
          Object.fromEntries(tables.map((table) => [table, 'created'])),
        );
        for (const table of tables) {
          const expected = await tableShape(echo, table);
          expect(expected.columns.length, table).toBeGreaterThan(5);
          expect(await tableShape(standalone, table), table).toEqual(expected);
        }
        // Their sequences too: a bigserial's default names its own.
        const sequences =
          "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname IN ('messages_id_seq', 'decision_votes_id_seq') ORDER BY 1";
        expect((await standalone.pool.query(sequences)).rows).toEqual((await echo.pool.query(sequences)).rows);
        expect(await createStandaloneWorkTables(standalone.pool)).toEqual(
          Object.fromEntries(tables.map((table) => [table, 'exists'])),
        );
      });
    });
  });

  it('fails as ECHO fails where the tables were created first, and leaves nothing of the failed migration', async () => {
    await withDatabase(async (db) => {
      await createStandaloneTables(db.pool);
      const before = await relations(db);
      await expect(applyEchoMigrations(db.pool)).rejects.toThrow('relation "agent_status" already exists');
      expect(await relations(db)).toEqual(before);
    });
  });

  it("records each migration's version in schema_migrations, as Ecto does", async () => {
    await withDatabase(async (db) => {
      await applyEchoMigrations(db.pool);
      const { rows } = await db.pool.query<{ version: string }>(
        'SELECT version::text AS version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual([...ECHO_MIGRATIONS]);
      expect(await applyEchoMigrations(db.pool)).toEqual([]);
    });
  });
});
