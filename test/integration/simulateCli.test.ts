import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import { applyEchoMigrations } from '../support/echoSchema';
import { expectMessagesAsEchoWritesThem, listenToEcho, messageRows, until } from '../support/echoWork';
import { redisServerMissing } from '../support/needs';
import { runCliProcess, startCliProcess } from '../support/runCliProcess';
import { startRedis, type ControllableServer } from '../support/servers';
import { alive, erlangMissing, untilExecutable } from '../support/simulatedAgents';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const missing = await erlangMissing();
const noRedis = redisServerMissing();

let db: TestDatabase;
// A Redis of this file's own: simulate publishes on ECHO's unprefixed channels, which a shared server would carry to
// other files.
let server: ControllableServer;
let redis: { readonly url: string; readonly prefix: string; readonly redis: Redis };
beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  if (noRedis !== null) return;
  server = await startRedis();
  const client = new Redis(server.url);
  client.on('error', () => undefined);
  redis = { url: server.url, prefix: `test_${randomBytes(6).toString('hex')}:`, redis: client };
}, 60_000);
afterAll(async () => {
  await db.drop();
  if (noRedis !== null) return;
  redis.redis.disconnect();
  await server.stop();
});

async function statusOf(role: string): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM agent_status WHERE role = $1', [role]);
  return rows[0]?.status;
}

async function sessionCount(): Promise<number> {
  const { rows } = await db.pool.query<{ count: string }>('SELECT count(*) FROM delegator_sessions');
  return Number(rows[0]?.count);
}

describe('npm run cli -- simulate', () => {
  it.skipIf(noRedis !== null)(
    "runs ECHO as it runs by default: agent processes beating `running`, their work in ECHO's tables and channels, no sessions, and stops them all on SIGINT",
    async () => {
      const listener = await listenToEcho(server.url);
      const cli = startCliProcess(['simulate', '--speed', '60', '--seed', '3'], {
        DATABASE_URL: db.url,
        REDIS_URL: server.url,
      });
      let code: number | null;
      const pids: number[] = [];
      try {
        // A database ECHO does not migrate: it is the simulator's, and gets ECHO's work tables.
        await cli.waitFor(
          /^Created ECHO's decisions, messages, decision_votes, workflow_executions, flow_executions, llm_sessions in .+: ECHO's migrations have not run there\.$/m,
        );
        await cli.waitFor(
          /^Simulating ECHO as it runs: agents beat in agent_status, no sessions are written; agents are /m,
        );
        await cli.waitFor(/ and redis:\/\/127\.0\.0\.1:\d+, ECHO's channels only\. Ctrl-C stops\.$/m);
        const [, role, pid] = await cli.waitFor(/ (\w+) started \(.+, pid (\d+)\)/);
        pids.push(Number(pid));
        await expect.poll(() => statusOf(role ?? '')).toBe('running');
        expect(alive(Number(pid))).toBe(true);
        // The escript's shebang runs the VM under the pid simulate started.
        if (missing === null) await untilExecutable(Number(pid), 'beam.smp');
        expect(await sessionCount()).toBe(0);
        // The delegator's first task, stored, then published on its agent's channel.
        const task = await until(
          'a task published',
          () => Promise.resolve(listener.heard.find((each) => each.payload.from === 'delegator')),
          20_000,
        );
        const rows = await messageRows(db.pool);
        expect(rows.find((row) => row.id === task.payload.db_id)).toMatchObject({
          from_role: 'delegator',
          to_role: task.payload.to,
          type: 'request',
        });
        expect(task.channel).toBe(`messages:${String(task.payload.to)}`);
        expectMessagesAsEchoWritesThem(rows);
      } finally {
        listener.close();
        const run = await cli.stop('SIGINT');
        code = run.code;
        expect(run.stdout).toContain('SIGINT: stopping the agents.');
        for (const match of run.stdout.matchAll(/ started \(.+, pid (\d+)\)/g)) pids.push(Number(match[1]));
      }
      expect(code).toBe(0);
      expect(await sessionCount()).toBe(0);
      // ECHO never writes `stopped`: the rows stay `running`, to go stale.
      const { rows } = await db.pool.query<{ status: string }>('SELECT DISTINCT status FROM agent_status');
      expect(rows).toEqual([{ status: 'running' }]);
      for (const pid of pids) expect(alive(pid)).toBe(false);
    },
    45_000,
  );

  it.skipIf(noRedis !== null)(
    'with --sessions, creates the table, backfills, simulates the guide-integrated delegator, and ends its session on SIGINT',
    async () => {
      // At 60x seed 3's first session lasts 3.5 s, its first agent spawning 0.1 s in: time to look at it running.
      const cli = startCliProcess(['simulate', '--sessions', '--speed', '60', '--seed', '3', '--backfill', '2'], {
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
      });
      let code: number | null;
      const spawned = { role: '', pid: 0 };
      try {
        const [, count] = await cli.waitFor(/Backfilled (\d+) sessions over 2 days\./);
        expect(Number(count)).toBeGreaterThan(0);
        const [, messages] = await cli.waitFor(/Backfilled (\d+) messages over 2 days\./);
        expect(Number(messages)).toBeGreaterThan(0);
        await cli.waitFor(/^Simulating a guide-integrated ECHO: /m);
        const [, role, pid] = await cli.waitFor(/ (\w+) spawned \(.+, pid (\d+)\)/);
        spawned.role = role ?? '';
        spawned.pid = Number(pid);
        expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(1);
        // The agent beats in ECHO's agent_status, which simulate created.
        expect(await statusOf(spawned.role)).toBe('running');
        expect(alive(spawned.pid)).toBe(true);
      } finally {
        const run = await cli.stop('SIGINT');
        code = run.code;
        expect(run.stdout).toContain('SIGINT: ending the running session.');
      }
      expect(code).toBe(0);
      const store = new SessionStore(db.pool, 'UTC');
      expect((await store.activeSessions()).value.total).toBe(0);
      expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(0);
      // Its agents stopped with it: their processes are gone, their rows left `running`, as ECHO leaves them.
      expect(await statusOf(spawned.role)).toBe('running');
      expect(alive(spawned.pid)).toBe(false);
    },
    30_000,
  );

  it("creates none of ECHO's tables where ECHO's migrations have run, and writes into ECHO's own; with no Redis, stores without publishing", async () => {
    const echo = await createTestDatabase({ migrated: false });
    try {
      await applyEchoMigrations(echo.pool);
      const relations = async (): Promise<string[]> =>
        (
          await echo.pool.query<{ name: string }>(
            "SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1",
          )
        ).rows.map((row) => row.name);
      const before = await relations();
      const cli = startCliProcess(['simulate', '--speed', '120', '--seed', '3'], {
        DATABASE_URL: echo.url,
        REGISTRY_MODE: 'sessions',
      });
      try {
        await cli.waitFor(/, no Redis: messages stored, not published\. Ctrl-C stops\.$/m);
        await until(
          'a task stored',
          async () => (await messageRows(echo.pool)).find((row) => row.from_role === 'delegator'),
          20_000,
        );
      } finally {
        const run = await cli.stop('SIGINT');
        expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stdout).not.toContain('Created ECHO');
      }
      expect(await relations()).toEqual(before);
      expectMessagesAsEchoWritesThem(await messageRows(echo.pool));
    } finally {
      await echo.drop();
    }
  }, 45_000);

  it('refuses --backfill without --sessions: ECHO as it runs writes no sessions', async () => {
    const run = await runCliProcess(['simulate', '--backfill', '2'], { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--backfill writes past sessions: it needs --sessions');
  });

  it('exits 2 with the reason when PostgreSQL cannot be reached', async () => {
    const run = await runCliProcess(['simulate'], {
      DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
      REGISTRY_MODE: 'sessions',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ECONNREFUSED 127.0.0.1:1');
  });
});
