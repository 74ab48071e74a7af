import {
  createLogger,
  logLevelFrom,
  terminalLine,
  unknownLevelWarning,
  type LogLevel,
  type LogSink,
  type Logger,
} from '../core/logger';
import type { CliIo } from './output';

/**
 * Log lines on standard error, `warn monitor: Registry down: …`: apart from
 * what a command prints on standard output, and without a time, which the
 * terminal's reader or journald keeps.
 */
export function stderrSink(io: Pick<CliIo, 'err'>, level: LogLevel): LogSink {
  return {
    level,
    write(record) {
      io.err(`${terminalLine(record)}\n`);
    },
  };
}

/** The log of a command that keeps running (serve, status --watch, simulate): standard error, at MONITOR_LOG_LEVEL. */
export function commandLog(io: Pick<CliIo, 'env' | 'err'>): Logger {
  const { level, unknown } = logLevelFrom(io.env.MONITOR_LOG_LEVEL);
  const log = createLogger([stderrSink(io, level)]);
  if (unknown !== null) log.warn(unknownLevelWarning(unknown));
  return log;
}
