import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { Simulator } from '../../src/main/simulator/simulator';
import { createStandaloneTables } from '../../src/main/sources/postgres/migrate';
import { createPostgresPool } from '../../src/main/sources/postgres/postgresPool';
import { startPostgres, type ControllableServer } from '../support/servers';
import { postgresServerMissing } from '../support/testDatabase';
import { recordingLog } from '../support/recordingLog';

// A server process of its own, which it freezes.
const noPostgres = postgresServerMissing();

let postgres: ControllableServer;
let admin: pg.Pool;
beforeAll(async () => {
  // A server of its own: this file freezes it.
  postgres = await startPostgres();
  admin = new pg.Pool({ connectionString: postgres.url, max: 2 });
  admin.on('error', () => undefined);
  await createStandaloneTables(admin);
}, 60_000);
afterAll(async () => {
  postgres.resume();
  await admin.end();
  await postgres.stop();
});

async function count(where: string, values: unknown[] = []): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delegator_sessions WHERE ${where}`,
    values,
  );
  return rows[0]?.n ?? 0;
}

/** Resolves once `test` holds, polling; fails after `timeoutMs`. */
async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(noPostgres !== null)('the simulator when PostgreSQL stalls', () => {
  it('says each failed step in one line, tries it again, and carries on by itself once the server is back', async () => {
    const { log, lines: problems } = recordingLog('warn');
    // As simulate wires it: the configured timeout bounds every query, and a query that times out fails its step.
    const pool = createPostgresPool({
      database: { kind: 'url', connectionString: postgres.url },
      timeoutMs: 500,
      onError: (error) => {
        log.warn(error.message);
      },
    });
    // 600x: sessions of 2 to 20 minutes last 0.2 to 2 s, so steps are under way whenever the server stops.
    const simulator = new Simulator({
      writer: new DelegatorWriter(pool, null, 'stall:'),
      mode: 'sessions',
      seed: 11,
      speed: 600,
      hostName: 'stall-host',
      processes: null,
      heartbeatMs: 250,
      log,
    });
    simulator.start(0);
    try {
      await until('a first session ends', async () => (await count("status <> 'active'")) > 0, 15_000);
      postgres.pause();
      try {
        // A session step, not only a heartbeat, fails while the server is frozen.
        const step = '(starting session|spawning|ending session|crashing|removing)';
        const sessionStepFailed = new RegExp(`^warn ${step}.* failed, trying again in \\d+ s: `);
        await until('a session step fails', () => problems.some((line) => sessionStepFailed.test(line)), 20_000);
      } finally {
        postgres.resume();
      }
      // ECHO's columns hold UTC without a zone, as the simulator writes them.
      const resumedAt = new Date().toISOString().slice(0, 19).replace('T', ' ');
      const endedAtResume = await count("status <> 'active'");
      // Sessions start and end again with nobody's help: the loop outlived the stall.
      await until('sessions end again', async () => (await count("status <> 'active'")) >= endedAtResume + 3, 60_000);
      await until(
        'a session starts after the stall',
        async () => (await count('started_at > $1::timestamp', [resumedAt])) > 0,
        30_000,
      );
      for (const line of problems) expect(line).not.toContain('\n');
    } finally {
      await simulator.stop();
      await pool.end();
    }
    // Every session it started was ended, the one whose writes were cut by the stall too, and no agent was counted
    // twice.
    expect(await count("status = 'active'")).toBe(0);
    expect(
      await count('cardinality(active_agents) <> (SELECT count(DISTINCT role) FROM unnest(active_agents) AS role)'),
    ).toBe(0);
    expect(await count('cardinality(active_agents) <> total_agents_spawned')).toBe(0);
  }, 150_000);
});
