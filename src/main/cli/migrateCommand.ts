import { errorText } from '../../shared/errorText';
import { escapeControls } from '../../shared/terminalText';
import { describeDatabase, type MonitorConfig } from '../config';
import { migrateTables, type MigrationResult } from '../sources/migrate';
import { createPostgresPool } from '../sources/postgresPool';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';

export async function migrateCommand(config: MonitorConfig, io: CliIo): Promise<ExitCode> {
  const pool = createPostgresPool({ database: config.database, timeoutMs: config.timeoutMs });
  // The database's name and the server's error are text from outside.
  const where = escapeControls(describeDatabase(config.database));
  try {
    const result = await migrateTables(pool);
    const said = (table: string, indexes: string, outcome: MigrationResult): string =>
      outcome === 'created' ? `Created ${table} and ${indexes} in ${where}.\n` : `${table} already exists in ${where}; left unchanged.\n`;
    io.out(said('delegator_sessions', 'its indexes', result.delegatorSessions) + said('agent_status', 'its index', result.agentStatus));
    return EXIT.ok;
  } catch (error) {
    io.err(`migrate: cannot reach or change ${where}: ${escapeControls(errorText(error))}\n`);
    return EXIT.critical;
  } finally {
    await pool.end();
  }
}
