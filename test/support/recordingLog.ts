import { createLogger, terminalLine, type LogLevel, type Logger } from '../../src/main/core/logger';

export interface RecordingLog {
  readonly log: Logger;
  /** Each line taken, as standard error shows it: `warn monitor: Registry down: …`. */
  readonly lines: string[];
}

/** A logger whose lines at or above `level` a test reads back. */
export function recordingLog(level: LogLevel = 'debug'): RecordingLog {
  const lines: string[] = [];
  const log = createLogger([{ level, write: (record) => lines.push(terminalLine(record)) }]);
  return { log, lines };
}
