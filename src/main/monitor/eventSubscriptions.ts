import type { EventHandlers } from '../sources/redis/redisRegistry';

export type Subscribe = (handlers: EventHandlers) => Promise<() => Promise<void>>;

/**
 * Every event subscription as one: the registry's and ECHO's channels, each on
 * its own connection. If one cannot be made, those made are ended, and the
 * monitor tries all again on its next tick.
 */
export function subscribeAll(parts: readonly (Subscribe | null)[]): Subscribe | undefined {
  const present = parts.filter((part): part is Subscribe => part !== null);
  if (present.length === 0) return undefined;
  return async (handlers) => {
    const settled = await Promise.allSettled(present.map((subscribe) => subscribe(handlers)));
    const ends = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const endAll = async (): Promise<void> => {
      await Promise.all(ends.map((end) => end().catch(() => undefined)));
    };
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) {
      await endAll();
      throw failed.reason;
    }
    return endAll;
  };
}
