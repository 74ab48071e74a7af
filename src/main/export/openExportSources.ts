import type { MonitorConfig } from '../config';
import { createPostgresPool } from '../sources/postgres/postgresPool';
import type { EventEntry } from './eventEntries';
import type { ExportSources } from './exportChunks';

export interface OpenedExportSources {
  readonly sources: ExportSources;
  close(): Promise<void>;
}

/**
 * What an export reads, connected: a PostgreSQL pool of its own, so a long
 * export never holds a connection the monitor's polls are waiting for. The
 * pool connects on the first query, so opening costs nothing until then.
 */
export function openExportSources(
  config: MonitorConfig,
  options: {
    readonly timeZone: string;
    readonly events: () => AsyncIterable<EventEntry> | Iterable<EventEntry>;
    readonly onError?: (message: string) => void;
  },
): OpenedExportSources {
  const pool = createPostgresPool({
    database: config.database,
    // Each page is its own query, so the usual bound applies to each page, not to the whole export.
    timeoutMs: config.timeoutMs,
    maxConnections: 2,
    onError: (error) => options.onError?.(error.message),
  });
  return {
    sources: { sql: pool, events: options.events, timeZone: options.timeZone },
    close: () => pool.end(),
  };
}
