import { join } from 'node:path';
import { createStream } from 'rotating-file-stream';
import { fileLine, type LogLevel, type LogSink } from '../core/logger';

/** The log file, where the desktop app keeps what it would print to a terminal it does not have. */
export interface LogFile {
  readonly path: string;
  /** Writes each record it takes as one line (`fileLine`); the logger has already masked and escaped it. */
  readonly sink: LogSink;
  close(): Promise<void>;
}

/** The log's name in its folder; the rotated ones are `monitor.log.1` to `.3`. */
export const LOG_FILE = 'monitor.log';

/**
 * A log that rotates at 1 MB, keeping three old files beside it, readable by
 * this user only: the app runs for months from login, with nobody to empty it.
 * A line a failed write loses is lost; the app goes on.
 */
export function openLogFile(dir: string, level: LogLevel = 'info'): LogFile {
  const stream = createStream(LOG_FILE, { path: dir, size: '1M', rotate: 3, mode: 0o600 });
  stream.on('error', () => undefined);
  return {
    path: join(dir, LOG_FILE),
    sink: {
      level,
      write(record) {
        stream.write(`${fileLine(record)}\n`);
      },
    },
    close: () =>
      new Promise((resolve) => {
        stream.end(() => {
          resolve();
        });
      }),
  };
}
