import { join } from 'node:path';
import { createStream } from 'rotating-file-stream';
import { escapeControls } from '../../shared/terminalText';

/** The log file, where the desktop app keeps what it would print to a terminal it does not have. */
export interface LogFile {
  readonly path: string;
  write(message: string): void;
  close(): Promise<void>;
}

/** The log's name in its folder; the rotated ones are `monitor.log.1` to `.3`. */
export const LOG_FILE = 'monitor.log';

/**
 * A password in a URL (`postgres://user:secret@host`) or the control key in
 * the dashboard's address (`#key=…`) is never written down: the log is read
 * by whoever a user sends it to.
 */
export function withoutSecrets(message: string): string {
  return message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1***@').replace(/([#&?]key=)[^\s&]+/gi, '$1***');
}

/**
 * A log that rotates at 1 MB, keeping three old files beside it, readable by
 * this user only: the app runs for months from login, with nobody to empty it.
 * A line a failed write loses is lost; the app goes on.
 */
export function openLogFile(dir: string, now: () => Date = () => new Date()): LogFile {
  const stream = createStream(LOG_FILE, { path: dir, size: '1M', rotate: 3, mode: 0o600 });
  stream.on('error', () => undefined);
  return {
    path: join(dir, LOG_FILE),
    write(message) {
      stream.write(`${now().toISOString()} ${escapeControls(withoutSecrets(message))}\n`);
    },
    close: () =>
      new Promise((resolve) => {
        stream.end(() => {
          resolve();
        });
      }),
  };
}
