import { escapeControls } from '../../shared/terminalText';

/** How much a line matters, least first: a sink is given the lines at or above the level it was opened with. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where the main process says what it does and what went wrong. Each part of
 * the app gets a logger of its own scope (`monitor`, `monitor/postgres`,
 * `demo`), so a line names who wrote it without the caller spelling it out.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger for a part of this one's component: `log.child('postgres')` writes as `monitor/postgres`. */
  child(scope: string): Logger;
}

/** One line, before a sink turns it into text. */
export interface LogRecord {
  readonly time: Date;
  readonly level: LogLevel;
  /** The component's path, `monitor/postgres`; empty for the app itself. */
  readonly scope: string;
  /** Already stripped of secrets and of characters a terminal would obey. */
  readonly message: string;
}

/** Takes every record at or above its level: the log file, standard error, a test's list. */
export interface LogSink {
  readonly level: LogLevel;
  write(record: LogRecord): void;
}

/**
 * A password in a URL (`postgres://user:secret@host`) or the control key in
 * the dashboard's address (`#key=…`) is never written down: a log is read by
 * whoever a user sends it to. Done once here, so no sink can forget it.
 */
export function withoutSecrets(message: string): string {
  return message
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1***@')
    .replace(/([#&?]key=)[^\s&]+/gi, '$1***');
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** MONITOR_LOG_LEVEL as given, or `info` where it is unset or names no level (said by the caller, who can log it). */
export function logLevelFrom(value: string | undefined): { level: LogLevel; unknown: string | null } {
  const given = value?.trim().toLowerCase() ?? '';
  if (given === '') return { level: 'info', unknown: null };
  return isLogLevel(given) ? { level: given, unknown: null } : { level: 'info', unknown: value ?? null };
}

/**
 * The warning for a MONITOR_LOG_LEVEL that names no level. It is said rather
 * than refused: a mistyped level must not keep a monitor from starting.
 */
export function unknownLevelWarning(value: string): string {
  return `MONITOR_LOG_LEVEL=${value} names no level (${LOG_LEVELS.join(', ')}): logging at info`;
}

/**
 * A logger writing to each sink the lines at or above that sink's level. A
 * sink that throws loses its line; the app goes on, since logging a failure
 * must never become one.
 */
export function createLogger(sinks: readonly LogSink[], now: () => Date = () => new Date(), scope = ''): Logger {
  // A line no sink takes costs one comparison: debug lines stay cheap where nobody reads them.
  const lowest = Math.min(...sinks.map((sink) => RANK[sink.level]));
  const write = (level: LogLevel, message: string): void => {
    if (RANK[level] < lowest) return;
    const record: LogRecord = { time: now(), level, scope, message: escapeControls(withoutSecrets(message)) };
    for (const sink of sinks) {
      if (RANK[level] < RANK[sink.level]) continue;
      try {
        sink.write(record);
      } catch {
        // Nowhere left to say it.
      }
    }
  };
  return {
    debug: (message) => {
      write('debug', message);
    },
    info: (message) => {
      write('info', message);
    },
    warn: (message) => {
      write('warn', message);
    },
    error: (message) => {
      write('error', message);
    },
    child: (name) => createLogger(sinks, now, scope === '' ? name : `${scope}/${name}`),
  };
}

/** Writes nowhere: for a component whose caller asked for no log (a one-shot command's quiet parts, tests). */
export const SILENT_LOGGER: Logger = createLogger([]);

/** `2026-12-07T22:19:15.000Z warn  monitor/postgres: down: …`: the log file's line, one per record. */
export function fileLine(record: LogRecord): string {
  return `${record.time.toISOString()} ${record.level.padEnd(5)} ${scoped(record)}`;
}

/** `warn monitor/postgres: down: …`: a terminal's line, whose reader (or journald) knows the time. */
export function terminalLine(record: LogRecord): string {
  return `${record.level} ${scoped(record)}`;
}

function scoped(record: LogRecord): string {
  return record.scope === '' ? record.message : `${record.scope}: ${record.message}`;
}
