import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/main/sources/sessionStore';
import { runCliProcess, startCliProcess } from '../support/runCliProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

let db: TestDatabase;
let redis: TestRedis;
beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedis()]);
});
afterAll(async () => {
  await Promise.all([db.drop(), redis.close()]);
});

describe('npm run cli -- simulate', () => {
  it('creates the table, backfills, simulates, and ends its session on SIGINT', async () => {
    const cli = startCliProcess(['simulate', '--speed', '300', '--seed', '3', '--backfill', '2'], {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
    });
    let code: number | null;
    try {
      const [, count] = await cli.waitFor(/Backfilled (\d+) sessions over 2 days\./);
      expect(Number(count)).toBeGreaterThan(0);
      await cli.waitFor(/ spawned \(/);
      expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(1);
    } finally {
      const run = await cli.stop('SIGINT');
      code = run.code;
      expect(run.stdout).toContain('SIGINT: ending the running session.');
    }
    expect(code).toBe(0);
    const store = new SessionStore(db.pool, 'UTC');
    expect((await store.activeSessions()).value.total).toBe(0);
    expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(0);
  }, 30_000);

  it('exits 2 with the reason when PostgreSQL cannot be reached', async () => {
    const run = await runCliProcess(['simulate'], { DATABASE_URL: 'postgres://u@127.0.0.1:1/db', REGISTRY_MODE: 'sessions' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ECONNREFUSED 127.0.0.1:1');
  });
});
