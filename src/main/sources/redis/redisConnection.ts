import { Redis } from 'ioredis';
import { errorText } from '../../../shared/errorText';
import { forgetFailures, rememberConnectionError, rememberDatabaseFailure } from './redisFailures';

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

/**
 * How long closing waits for the server to close its side before cutting the
 * socket. ioredis waits 2 s by default, and a frozen or black-holed server
 * never answers: a one-shot command would wait that out before it could exit,
 * twice when the ready check fails as it closes. A live server closes in far less.
 */
const CLOSE_WAIT_MS = 100;

/** The error ioredis emits when the server refuses the SELECT it sends for the URL's database. */
function isSelectFailure(error: unknown): boolean {
  if (!(error instanceof Error) || !('command' in error)) return false;
  const { command } = error;
  return typeof command === 'object' && command !== null && 'name' in command && command.name === 'select';
}

/** What this module keeps of the current socket, and how it ends one. */
interface Guard {
  readonly redis: Redis;
  readonly timeoutMs: number;
  readonly onError: ((message: string) => void) | undefined;
  /**
   * Set when this module cut the socket: what ioredis reports next (a ready
   * check that cannot be written, a closed stream) follows from the cut and
   * must not replace its reason.
   */
  cut: boolean;
}

function remember(guard: Guard, message: string): void {
  rememberConnectionError(guard.redis, message);
  guard.onError?.(message);
}

function cutSocket(guard: Guard): void {
  guard.cut = true;
  guard.redis.stream.destroy();
}

/**
 * ioredis goes on when the SELECT of the URL's database fails, and every
 * command then reads and writes database 0. Such a connection is dropped
 * instead, at connect and at each reconnect, so everything on it fails with
 * the server's reason ("ERR DB index is out of range"); a persistent one tries
 * again with its usual backoff, in case the server comes back with more databases.
 */
function refuseUnselectedDatabase(guard: Guard, error: unknown): void {
  const message = `cannot select database ${String(guard.redis.options.db ?? 0)}: ${errorText(error)}`;
  rememberDatabaseFailure(guard.redis, message);
  guard.onError?.(message);
  cutSocket(guard);
}

/**
 * One bound over the whole handshake. ioredis's connect timeout ends when the
 * socket connects; after that it sends CLIENT SETNAME and only then the ready
 * check, each with the command timeout, so a server that accepts and never
 * answers held a connect for twice the timeout. Past the bound, the socket is
 * cut: a one-shot connection fails, a persistent one reconnects.
 */
function boundHandshake(guard: Guard): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  guard.redis.on('connecting', () => {
    clear();
    timer = setTimeout(() => {
      timer = undefined;
      // Still connecting: ioredis's own connect timeout, of the same length, ends that attempt.
      if (guard.redis.status !== 'connect' || guard.cut) return;
      remember(guard, `no answer within ${String(guard.timeoutMs)} ms`);
      cutSocket(guard);
    }, guard.timeoutMs);
    // Only a bound: it never keeps a process alive by itself.
    timer.unref();
  });
  for (const settled of ['ready', 'close', 'end']) guard.redis.on(settled, clear);
}

export function createRedis(options: RedisOptions): Redis {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    disconnectTimeout: CLOSE_WAIT_MS,
    maxRetriesPerRequest: options.persistent ? 1 : 0,
    // Capped at a second so a Redis that comes back is in use again by the next poll.
    retryStrategy: options.persistent ? (attempt) => Math.min(attempt * 100, 1000) : () => null,
    enableOfflineQueue: options.offlineQueue ?? true,
    // A command in flight when the socket drops fails rather than going out after the reconnect:
    // a command to the delegator must never arrive late, and a poll simply reads again next time.
    autoResendUnfulfilledCommands: false,
    connectionName: 'delegator-monitor',
  });
  const guard: Guard = { redis, timeoutMs: options.timeoutMs, onError: options.onError, cut: false };
  redis.on('connecting', () => {
    guard.cut = false;
  });
  redis.on('error', (error: unknown) => {
    if (isSelectFailure(error)) refuseUnselectedDatabase(guard, error);
    else if (!guard.cut) remember(guard, errorText(error));
  });
  redis.on('ready', () => {
    // The SELECT's reply comes before the ready check's, so this is a last guard, not the usual path.
    if (guard.cut) {
      redis.stream.destroy();
      return;
    }
    forgetFailures(redis);
  });
  boundHandshake(guard);
  return redis;
}

/**
 * Closes the connection. ioredis arms a timer on every disconnect and clears
 * it only when the socket closes, which a dead socket never does again;
 * skipping the call then lets a one-shot command exit at once.
 */
export function closeRedis(redis: Redis): void {
  if (redis.status !== 'end') redis.disconnect();
}
