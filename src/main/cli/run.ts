import { parseArgs } from 'node:util';
import { localDateSchema } from '../../shared/model';
import { ConfigError, loadConfig, type MonitorConfig } from '../config';
import { EXIT, type ExitCode } from './exitCodes';
import { migrateCommand } from './migrateCommand';
import type { CliIo } from './output';
import { statusCommand } from './statusCommand';

export const USAGE = `Usage: delegator-monitor <command> [options]

Commands:
  status [--json] [--date YYYY-MM-DD]   One snapshot of sessions, agents and memory.
                                        Exit code: 0 ok, 2 a source is down, 3 bad usage.
  migrate                               Create ECHO's delegator_sessions table where it is missing.

Configuration comes from the environment: see the README.
`;

class UsageError extends Error {}

function parseStatus(args: string[]): { json: boolean; date?: string } {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, date: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.date !== undefined) {
    const date = localDateSchema.safeParse(values.date);
    if (!date.success) throw new UsageError(`--date ${JSON.stringify(values.date)}: ${date.error.issues[0]?.message}`);
  }
  return { json: values.json, date: values.date };
}

function parseNothing(args: string[]): void {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
}

/** Runs one command line and returns its exit code; never throws for bad input. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? EXIT.unknown : EXIT.ok;
  }
  let run: (config: MonitorConfig) => Promise<ExitCode>;
  try {
    if (command === 'status') {
      const options = parseStatus(rest);
      run = (config) => statusCommand(config, options, io);
    } else if (command === 'migrate') {
      parseNothing(rest);
      run = (config) => migrateCommand(config, io);
    } else {
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT.unknown;
  }
  let config: MonitorConfig;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return EXIT.unknown;
  }
  return run(config);
}
