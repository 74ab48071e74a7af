import { parseArgs } from 'node:util';
import { exportQuerySchema } from '../../shared/apiSchemas';
import { checkTimeZoneVariable, ConfigError, loadConfig, type MonitorConfig } from '../config';
import { readTzVariable } from '../core/localTime';
import { parseDelegatorControl, parseUnload } from './controlArgs';
import { EXIT, type ExitCode } from './exitCodes';
import { isEchoCategory, unknownCategoryText } from './forecastCategory';
import { answerHelpOrVersion, isCommandName, overviewText } from './help';
import type { CommandName } from './helpText';
import { MAX_BACKFILL_DAYS } from './limits';
import type { ForecastOptions } from './forecastCommand';
import type { ExportOptions } from './exportCommand';
import type { McpOptions } from './mcpCommand';
import type { CliIo } from './output';
import type { ServeOptions } from './serveCommand';
import type { SimulateOptions } from './simulateCommand';
import { parseStatus } from './statusArgs';
import { quoted, unknownWordText, usageError, UsageError, usageMessage } from './usageErrors';

/**
 * A number as a person writes it: plain decimal digits, with a fraction where
 * one makes sense. Number() would also take `0x10`, `1e9` and ` 4000 `.
 */
function positiveNumber(flag: string, text: string | undefined, fallback: number, whole: boolean): number {
  if (text === undefined) return fallback;
  if (!(whole ? /^\d+$/ : /^\d+(?:\.\d+)?$/).test(text)) {
    throw new UsageError(
      `${flag} ${quoted(text)}: expected ${whole ? 'a whole number' : 'a number'} of at least 0, in plain digits`,
    );
  }
  return Number(text);
}

function parseForecast(args: string[]): ForecastOptions & { demo: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      category: { type: 'string' },
      demo: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.category !== undefined && !isEchoCategory(values.category))
    throw new UsageError(unknownCategoryText(values.category));
  return { json: values.json, category: values.category, demo: values.demo };
}

function parseServe(args: string[]): ServeOptions {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, demo: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  const port = positiveNumber('--port', values.port, 4000, true);
  if (port > 65535) throw new UsageError(`--port ${port}: expected a port number up to 65535`);
  return { port, host: values.host ?? '127.0.0.1', demo: values.demo };
}

function parseMcp(args: string[]): McpOptions {
  const { values } = parseArgs({
    args,
    options: { demo: { type: 'boolean', default: false }, 'allow-controls': { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  return { demo: values.demo, allowControls: values['allow-controls'] };
}

function parseSimulate(args: string[]): SimulateOptions {
  const { values } = parseArgs({
    args,
    options: {
      speed: { type: 'string' },
      seed: { type: 'string' },
      backfill: { type: 'string' },
      sessions: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const speed = positiveNumber('--speed', values.speed, 1, false);
  if (speed === 0) throw new UsageError('--speed 0: time must move');
  const backfillDays = positiveNumber('--backfill', values.backfill, 0, true);
  // Each day is held in memory and written before the simulation starts: a mistyped count must not fill the disk.
  if (backfillDays > MAX_BACKFILL_DAYS)
    throw new UsageError(`--backfill ${String(backfillDays)}: expected at most ${String(MAX_BACKFILL_DAYS)} days`);
  // ECHO as it runs writes no sessions, so there are none to backfill.
  if (backfillDays > 0 && !values.sessions)
    throw new UsageError('--backfill writes past sessions: it needs --sessions');
  return {
    speed,
    seed: positiveNumber('--seed', values.seed, Math.floor(Math.random() * 2 ** 31), true),
    backfillDays,
    sessions: values.sessions,
  };
}

function parseExport(args: string[]): ExportOptions {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      what: { type: 'string' },
      out: { type: 'string' },
      demo: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.from === undefined || values.to === undefined)
    throw new UsageError('export needs --from and --to, each a date as YYYY-MM-DD');
  if (values.out === '') throw new UsageError('--out needs a file name');
  const { demo, out, ...fields } = values;
  const query = exportQuerySchema.safeParse(fields);
  if (!query.success) {
    const issue = query.error.issues[0];
    const flag = issue?.path[0];
    // A field's problem names its flag and what was given; the range's own (from after to) says it all.
    const shown = typeof flag === 'string' ? `--${flag} ${quoted(new Map(Object.entries(fields)).get(flag))}: ` : '';
    throw new UsageError(`${shown}${issue?.message ?? 'not a valid export'}`);
  }
  return { query: query.data, out: out ?? null, demo };
}

/** Commands that never read the configuration: the demo brings its own. */
type Runner =
  | { needsConfig: true; run: (config: MonitorConfig) => Promise<ExitCode> }
  | { needsConfig: false; run: () => Promise<ExitCode> };

/** A command that takes `--demo`: on the demo it runs without a configuration (`null`), else on the configured one. */
function demoable(demo: boolean, run: (config: MonitorConfig | null) => Promise<ExitCode>): Runner {
  return demo ? { needsConfig: false, run: () => run(null) } : { needsConfig: true, run };
}

/** Each command's modules load only when it runs: `--help` or a usage error never loads a database driver. */
function runnerFor(command: CommandName, rest: string[], io: CliIo): Runner {
  switch (command) {
    case 'status': {
      const options = parseStatus(rest);
      return demoable(options.demo, async (config) =>
        (await import('./statusCommand')).statusCommand(config, options, io),
      );
    }
    case 'forecast': {
      const options = parseForecast(rest);
      return demoable(options.demo, async (config) =>
        (await import('./forecastCommand')).forecastCommand(config, options, io),
      );
    }
    case 'serve': {
      const options = parseServe(rest);
      return demoable(options.demo, async (config) =>
        (await import('./serveCommand')).serveCommand(config, options, io),
      );
    }
    case 'mcp': {
      const options = parseMcp(rest);
      return demoable(options.demo, async (config) => (await import('./mcpCommand')).mcpCommand(config, options, io));
    }
    case 'simulate': {
      const options = parseSimulate(rest);
      return {
        needsConfig: true,
        run: async (config) => (await import('./simulateCommand')).simulateCommand(config, options, io),
      };
    }
    case 'export': {
      const options = parseExport(rest);
      return demoable(options.demo, async (config) =>
        (await import('./exportCommand')).exportCommand(config, options, io),
      );
    }
    case 'end-session': {
      const options = parseDelegatorControl(command, rest);
      return {
        needsConfig: true,
        run: async (config) => (await import('./delegatorCommand')).delegatorCommand(config, options, io),
      };
    }
    case 'stop-agent': {
      const options = parseDelegatorControl(command, rest);
      return {
        needsConfig: true,
        run: async (config) => (await import('./stopAgentCommand')).stopAgentCommand(config, options, io),
      };
    }
    case 'unload': {
      const options = parseUnload(rest);
      return {
        needsConfig: true,
        run: async (config) => (await import('./unloadCommand')).unloadCommand(config, options, io),
      };
    }
    case 'migrate': {
      const { values } = parseArgs({
        args: rest,
        options: { standalone: { type: 'boolean', default: false } },
        strict: true,
        allowPositionals: false,
      });
      return {
        needsConfig: true,
        run: async (config) =>
          (await import('./migrateCommand')).migrateCommand(config, { standalone: values.standalone }, io),
      };
    }
  }
}

/**
 * The zone TZ names, where it names one: Node's Intl cannot tell it from a
 * zoneinfo file's path, and gives only its offset. A TZ that names nothing is
 * refused with the configuration.
 */
function withZoneNamedByTz(io: CliIo): CliIo {
  const named = readTzVariable(io.env.TZ);
  if (!named.valid || named.zone === null) return io;
  const zone = named.zone;
  return { ...io, timeZone: zone, liveTimeZone: () => zone };
}

/** Runs one command line and returns its exit code; never throws for bad input. */
export async function runCli(argv: readonly string[], givenIo: CliIo): Promise<ExitCode> {
  const io = withZoneNamedByTz(givenIo);
  const [command, ...rest] = argv;
  if (command === undefined) {
    // Nothing asked is a mistake too: the overview goes where errors go, and the exit code says so.
    io.err(overviewText());
    return EXIT.unknown;
  }
  const answered = answerHelpOrVersion(command, rest, io);
  if (answered !== null) return answered;
  if (!isCommandName(command)) return usageError(io, unknownWordText(command), null);
  let runner: Runner;
  try {
    runner = runnerFor(command, rest, io);
  } catch (error) {
    return usageError(io, usageMessage(error, command, rest), command);
  }
  try {
    if (runner.needsConfig) return await runner.run(loadConfig(io.env));
    // The demo brings its own connections, but its days and times are still the user's.
    checkTimeZoneVariable(io.env);
    return await runner.run();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return EXIT.unknown;
  }
}
