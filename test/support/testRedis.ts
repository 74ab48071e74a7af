import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { lookForRedis } from './packages';

export interface TestRedis {
  readonly url: string;
  /** Unique to this test, so tests sharing the server never see each other's keys. */
  readonly prefix: string;
  /** A plain connection for arranging data and publishing. */
  readonly redis: Redis;
  /** Deletes this test's keys and closes the connection. */
  close(): Promise<void>;
}

/** On the shared server, unless a file needs one of its own (ECHO's channels ignore prefixes). */
export async function createTestRedis(url: string = inject('redisUrl')): Promise<TestRedis> {
  // Rather than a client retrying a Redis that is not there: such a file skips with needs.ts's redisMissing().
  if (url === '')
    throw new Error(
      `This run has no Redis (${lookForRedis() ?? 'none was started'}): a test that needs one skips where redisMissing() says why`,
    );
  const prefix = `test_${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(url);
  redis.on('error', () => undefined);
  await redis.ping();
  return {
    url,
    prefix,
    redis,
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
