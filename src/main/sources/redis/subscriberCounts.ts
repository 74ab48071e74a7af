import type { Redis } from 'ioredis';
import { z } from 'zod';
import { TEXT_LIMITS } from '../../../shared/clipText';
import { describeIssues } from '../../../shared/zodIssues';
import { explainRedisFailure } from './redisFailures';

/** What counting needs of a Redis connection: an ordinary one, not the subscriber. */
export type SubscriberCountCommands = Pick<Redis, 'pubsub'>;

/** Roles asked in one command; ECHO has ten, and a longer list came from something else. */
export const SUBSCRIBER_ROLES_LIMIT = 200;

/** `PUBSUB NUMSUB a b` answers `[a, 2, b, 0]`: each channel then its count, in the order asked. */
const numsubReplySchema = z
  .array(z.unknown())
  .refine((reply) => reply.length % 2 === 0, 'expected a count after each channel')
  .transform((reply) => Array.from({ length: reply.length / 2 }, (_, pair) => [reply[2 * pair], reply[2 * pair + 1]]))
  .pipe(z.array(z.tuple([z.string(), z.number().int().nonnegative()])));

/**
 * How many live copies of each role run, on any host, whatever launched them:
 * every running ECHO agent subscribes to `messages:<role>` (MessageBus.subscribe_to_role),
 * and Redis counts one subscriber per connection. One `PUBSUB NUMSUB` asks for
 * all roles at once.
 *
 * The map holds only the roles asked: the first 200 distinct ones of at most
 * 255 characters (a channel name is never cut, or it would count another
 * role). A role left out is absent, which is unknown, not 0.
 */
export async function subscriberCounts(
  redis: SubscriberCountCommands,
  roles: readonly string[],
): Promise<Map<string, number>> {
  const asked = [...new Set(roles)]
    .filter((role) => role.length > 0 && role.length <= TEXT_LIMITS.label)
    .slice(0, SUBSCRIBER_ROLES_LIMIT);
  const counts = new Map<string, number>();
  if (asked.length === 0) return counts;
  let reply: unknown;
  try {
    reply = await redis.pubsub('NUMSUB', ...asked.map((role) => `messages:${role}`));
  } catch (error) {
    throw new Error(`Redis: ${explainRedisFailure(redis, error)}`, { cause: error });
  }
  const parsed = numsubReplySchema.safeParse(reply);
  if (!parsed.success) throw new Error(`Redis: PUBSUB NUMSUB answered unexpectedly: ${describeIssues(parsed.error)}`);
  const byChannel = new Map(parsed.data);
  for (const role of asked) {
    const count = byChannel.get(`messages:${role}`);
    // Redis answers every channel asked, 0 for none; one missing means the reply is not what it seems.
    if (count === undefined) throw new Error(`Redis: PUBSUB NUMSUB did not answer for messages:${role}`);
    counts.set(role, count);
  }
  return counts;
}
