import pg from 'pg';
import type { DatabaseConfig } from '../../config';

export interface PoolOptions {
  readonly database: DatabaseConfig;
  readonly timeoutMs: number;
  readonly maxConnections?: number;
  readonly onError?: (error: Error) => void;
}

export function createPostgresPool(options: PoolOptions): pg.Pool {
  const connection =
    options.database.kind === 'url'
      ? { connectionString: options.database.connectionString }
      : {
          host: options.database.host,
          port: options.database.port,
          database: options.database.database,
          user: options.database.user,
          password: options.database.password,
        };
  const pool = new pg.Pool({
    ...connection,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.timeoutMs,
    // Both bounds: the server cancels a slow statement, and the client stops waiting on a silent server.
    statement_timeout: options.timeoutMs,
    query_timeout: options.timeoutMs,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    application_name: 'delegator-monitor',
  });
  // An idle client that loses its server emits here; without a listener that would crash the process.
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}
