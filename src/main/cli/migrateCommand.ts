import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { describeDatabase, type MonitorConfig } from '../config';
import {
  echoMigratesHere,
  migrateStandalone,
  surveySchema,
  type MigrationResult,
  type SchemaSurvey,
  type StandaloneMigration,
} from '../sources/postgres/migrate';
import { createPostgresPool } from '../sources/postgres/postgresPool';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';

export interface MigrateOptions {
  /** Create the monitor's two tables, in a database ECHO does not migrate; without it, only report. */
  readonly standalone: boolean;
}

/** What the database says of ECHO's migrations, escaped: a version and table names are text from outside. */
function echoMigrationsText(survey: SchemaSurvey): string {
  const tables = survey.echoTables.map(escapeControls).join(', ');
  if (survey.echoMigrations === null) {
    return tables === ''
      ? 'not run (no schema_migrations table)'
      : `no schema_migrations table, but ECHO's tables ${tables} exist`;
  }
  const { latest } = survey.echoMigrations;
  return latest === null ? 'schema_migrations exists and is empty' : `run, the latest ${escapeControls(latest)}`;
}

/** Why `--standalone` creates nothing here: what shows that ECHO migrates this database. */
function refusalText(survey: SchemaSurvey): string {
  if (survey.echoMigrations === null)
    return `ECHO's tables ${survey.echoTables.map(escapeControls).join(', ')} exist there`;
  const { latest } = survey.echoMigrations;
  return latest === null
    ? "Ecto's schema_migrations exists there"
    : `ECHO's migrations have run there (schema_migrations, latest ${escapeControls(latest)})`;
}

/** The report `migrate` gives without --standalone: what is there, and who creates what is missing. */
function reportText(survey: SchemaSurvey, where: string): string {
  const present = (exists: boolean): string => (exists ? 'exists' : 'missing');
  const lines = [
    `ECHO's migrations in ${where}: ${echoMigrationsText(survey)}.`,
    `delegator_sessions: ${present(survey.delegatorSessions)}.`,
    `agent_status: ${present(survey.agentStatus)}.`,
  ];
  if (survey.delegatorSessions && survey.agentStatus) lines.push('Created nothing: both tables are in place.');
  else if (echoMigratesHere(survey)) lines.push("Created nothing: ECHO's own `mix ecto.migrate` creates them.");
  else {
    lines.push(
      "Created nothing: ECHO's own `mix ecto.migrate` creates them. For a database only the monitor uses (never migrated by ECHO), `migrate --standalone` creates them.",
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The check and the creation on one connection, in one transaction: a failure halfway leaves nothing behind. */
async function inTransaction(pool: ReturnType<typeof createPostgresPool>): Promise<StandaloneMigration> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await migrateStandalone(client);
    await client.query(outcome.refused ? 'ROLLBACK' : 'COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Without --standalone, reports whether ECHO's migrations have run and which
 * of the monitor's tables exist, and creates nothing: ECHO creates them, and
 * its first migration fails where `agent_status` already exists. With it,
 * creates them where missing, unless ECHO's migrations have run or started.
 */
export async function migrateCommand(config: MonitorConfig, options: MigrateOptions, io: CliIo): Promise<ExitCode> {
  const pool = createPostgresPool({ database: config.database, timeoutMs: config.timeoutMs });
  // The database's name and the server's error are text from outside.
  const where = escapeControls(describeDatabase(config.database));
  try {
    if (!options.standalone) {
      io.out(reportText(await surveySchema(pool), where));
      return EXIT.ok;
    }
    const outcome = await inTransaction(pool);
    if (outcome.refused) {
      io.err(
        `migrate: refused to create tables in ${where}: ${refusalText(outcome.survey)}, and ECHO's own \`mix ecto.migrate\` creates them; --standalone is for a database only the monitor uses.\n`,
      );
      return EXIT.critical;
    }
    const said = (table: string, indexes: string, result: MigrationResult): string =>
      result === 'created'
        ? `Created ${table} and ${indexes} in ${where}.\n`
        : `${table} already exists in ${where}; left unchanged.\n`;
    io.out(
      said('delegator_sessions', 'its indexes', outcome.tables.delegatorSessions) +
        said('agent_status', 'its index', outcome.tables.agentStatus),
    );
    return EXIT.ok;
  } catch (error) {
    io.err(
      `migrate: cannot reach or ${options.standalone ? 'change' : 'read'} ${where}: ${escapeControls(errorText(error))}\n`,
    );
    return EXIT.critical;
  } finally {
    await pool.end();
  }
}
