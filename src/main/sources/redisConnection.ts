import { Redis } from 'ioredis';
import { errorText } from '../../shared/errorText';

export interface RedisOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** A long-lived app reconnects with backoff; a one-shot command gives up after the first failure. */
  readonly persistent: boolean;
  /**
   * False for a command to the delegator: a command issued while the connection is
   * not ready must fail then, never wait in ioredis's offline queue to go out later.
   */
  readonly offlineQueue?: boolean;
  readonly onError?: (message: string) => void;
}

// ioredis rejects a command with "Connection is closed." and reports the cause only
// on its `error` event; remembering that cause lets a failure say what really happened.
const lastConnectionError = new WeakMap<object, string>();

export function createRedis(options: RedisOptions): Redis {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    maxRetriesPerRequest: options.persistent ? 1 : 0,
    // Capped at a second so a Redis that comes back is in use again by the next poll.
    retryStrategy: options.persistent ? (attempt) => Math.min(attempt * 100, 1000) : () => null,
    enableOfflineQueue: options.offlineQueue ?? true,
    // A command in flight when the socket drops fails rather than going out after the reconnect:
    // a command to the delegator must never arrive late, and a poll simply reads again next time.
    autoResendUnfulfilledCommands: false,
    connectionName: 'delegator-monitor',
  });
  redis.on('error', (error: unknown) => {
    const message = errorText(error);
    lastConnectionError.set(redis, message);
    options.onError?.(message);
  });
  redis.on('ready', () => lastConnectionError.delete(redis));
  return redis;
}

/** The connection's own failure when there was one, else the command's. */
export function explainRedisFailure(redis: object, error: unknown): string {
  return lastConnectionError.get(redis) ?? errorText(error);
}

/**
 * Closes the connection. ioredis arms a two-second timer on every disconnect
 * and clears it only when the socket closes, which a dead socket never does
 * again; skipping the call then lets a one-shot command exit at once.
 */
export function closeRedis(redis: Redis): void {
  if (redis.status !== 'end') redis.disconnect();
}
