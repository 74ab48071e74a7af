import { errorText } from '../../shared/errorText';
import { describeDatabase, type MonitorConfig } from '../config';
import { migrate } from '../sources/migrate';
import { createPostgresPool } from '../sources/postgresPool';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';

export async function migrateCommand(config: MonitorConfig, io: CliIo): Promise<ExitCode> {
  const pool = createPostgresPool({ database: config.database, timeoutMs: config.timeoutMs });
  const where = describeDatabase(config.database);
  try {
    const result = await migrate(pool);
    io.out(
      result === 'created'
        ? `Created delegator_sessions and its indexes in ${where}.\n`
        : `delegator_sessions already exists in ${where}; left unchanged.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    io.err(`migrate: cannot reach or change ${where}: ${errorText(error)}\n`);
    return EXIT.critical;
  } finally {
    await pool.end();
  }
}
