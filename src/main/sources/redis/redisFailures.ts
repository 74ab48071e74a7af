import { errorText } from '../../../shared/errorText';

// Apart from the client itself, so that what reads a registry can explain a
// failure without loading ioredis where no registry is read.

// ioredis rejects a command with "Connection is closed." and reports the cause only
// on its `error` event; remembering that cause lets a failure say what really happened.
const lastConnectionError = new WeakMap<object, string>();
// Why the configured database could not be selected, kept apart from the connection's
// other errors: the failures that follow from dropping the connection must not hide it.
const databaseFailure = new WeakMap<object, string>();

export function rememberConnectionError(redis: object, message: string): void {
  lastConnectionError.set(redis, message);
}

export function rememberDatabaseFailure(redis: object, message: string): void {
  databaseFailure.set(redis, message);
}

/** A connection that became ready has no failure left to explain. */
export function forgetFailures(redis: object): void {
  lastConnectionError.delete(redis);
  databaseFailure.delete(redis);
}

/** The connection's own failure when there was one (an unusable database first), else the command's. */
export function explainRedisFailure(redis: object, error: unknown): string {
  return databaseFailure.get(redis) ?? lastConnectionError.get(redis) ?? errorText(error);
}
