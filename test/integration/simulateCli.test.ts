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

async function statusOf(role: string): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM agent_status WHERE role = $1', [role]);
  return rows[0]?.status;
}

describe('npm run cli -- simulate', () => {
  it('creates the table, backfills, simulates, and ends its session on SIGINT', async () => {
    // At 60x seed 3's first session lasts 3.5 s, its first agent spawning 0.1 s in: time to look at it running.
    const cli = startCliProcess(['simulate', '--speed', '60', '--seed', '3', '--backfill', '2'], {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
    });
    let code: number | null;
    let spawned = { role: '', pid: 0 };
    try {
      const [, count] = await cli.waitFor(/Backfilled (\d+) sessions over 2 days\./);
      expect(Number(count)).toBeGreaterThan(0);
      const [, role, pid] = await cli.waitFor(/ (\w+) spawned \(.+, pid (\d+)\)/);
      spawned = { role: role ?? '', pid: Number(pid) };
      expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(1);
      // The agent beats in ECHO's agent_status, which simulate created.
      expect(await statusOf(spawned.role)).toBe('running');
      expect(() => process.kill(spawned.pid, 0)).not.toThrow();
    } finally {
      const run = await cli.stop('SIGINT');
      code = run.code;
      expect(run.stdout).toContain('SIGINT: ending the running session.');
    }
    expect(code).toBe(0);
    const store = new SessionStore(db.pool, 'UTC');
    expect((await store.activeSessions()).value.total).toBe(0);
    expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(0);
    // Its agents stopped with it: their rows say so, and their processes are gone.
    expect(await statusOf(spawned.role)).toBe('stopped');
    expect(() => process.kill(spawned.pid, 0)).toThrow();
  }, 30_000);

  it('exits 2 with the reason when PostgreSQL cannot be reached', async () => {
    const run = await runCliProcess(['simulate'], { DATABASE_URL: 'postgres://u@127.0.0.1:1/db', REGISTRY_MODE: 'sessions' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ECONNREFUSED 127.0.0.1:1');
  });
});
