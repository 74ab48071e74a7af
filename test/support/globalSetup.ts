import type { TestProject } from 'vitest/node';
import { startPostgres, startRedis, type TestServer } from './servers';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/** Starts throwaway PostgreSQL and Redis for the whole run, unless the environment names servers to use. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = { database: process.env.TEST_DATABASE_URL, redis: process.env.TEST_REDIS_URL };
  const [postgres, redis] = await Promise.allSettled([
    given.database ? Promise.resolve(null) : startPostgres(),
    given.redis ? Promise.resolve(null) : startRedis(),
  ]);
  const started: TestServer[] = [];
  for (const result of [postgres, redis]) if (result.status === 'fulfilled' && result.value) started.push(result.value);
  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    await Promise.all(started.map((server) => server.stop()));
    throw postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
  }
  project.provide('databaseUrl', given.database ?? postgres.value?.url ?? '');
  project.provide('redisUrl', given.redis ?? redis.value?.url ?? '');
  return async () => {
    await Promise.all(started.map((server) => server.stop()));
  };
}
