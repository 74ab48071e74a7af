import pg from 'pg';
import { loadConfig } from '../src/main/config';
import { openSources } from '../src/main/sources/openSources';
import { readSources } from '../src/main/sources/readSources';
import { createStandaloneTables } from '../src/main/sources/migrate';
import { percentile, progress, round, timed } from './stats';

export interface PollSize {
  readonly rows: number;
  readonly density: 'year' | 'constant';
  /** A poll in which nothing changed: the change token alone. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** A poll after one session changed: the token, then the whole picture in one statement. */
  readonly changedP50Ms: number;
  readonly changedP99Ms: number;
}

const CATEGORIES = `ARRAY['quick_fix','development','technical','product','strategic','operations','hr']`;

/**
 * ECHO's table with `rows` sessions: spread over the last 365 days, or at a
 * constant 100 a day (so the days on screen always hold the same number). The
 * three newest are active, as in life: history grows, the running work does not.
 */
async function seed(admin: pg.Pool, database: string, serverUrl: string, rows: number, density: PollSize['density']): Promise<string> {
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const pool = new pg.Pool({ connectionString: url.toString() });
  pool.on('error', () => undefined);
  await createStandaloneTables(pool);
  const spanSeconds = density === 'year' ? 365 * 86_400 : Math.ceil(rows / 100) * 86_400;
  await pool.query(
    `INSERT INTO delegator_sessions (session_id, task_category, task_description, active_agents, started_at, ended_at,
                                     total_agents_spawned, tasks_delegated, status, inserted_at, updated_at)
     SELECT 'bench_' || n,
            (${CATEGORIES})[1 + n % 7],
            'Benchmark session ' || n,
            ARRAY['senior_developer','test_lead']::varchar[],
            start,
            CASE WHEN n <= 3 THEN NULL ELSE start + interval '12 minutes' END,
            2, 3,
            CASE WHEN n <= 3 THEN 'active' WHEN n % 13 = 0 THEN 'error' ELSE 'completed' END,
            start, start
       FROM generate_series(1, $1::int) AS n,
            LATERAL (SELECT (now() AT TIME ZONE 'UTC') - make_interval(secs => (n::bigint * $2::bigint / $1::int)::double precision)) AS s(start)`,
    [rows, spanSeconds],
  );
  // As autovacuum leaves a table that has lived a while: statistics current, the visibility map set.
  await pool.query('VACUUM ANALYZE delegator_sessions');
  await pool.end();
  return url.toString();
}

/** One poll of PostgreSQL, with and without a change since the last, against tables of growing size, beside `SELECT 1`. */
export async function measurePollCost(serverUrl: string, sizes: ReadonlyArray<{ rows: number; density: PollSize['density'] }>, polls: number) {
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  admin.on('error', () => undefined);
  const results: PollSize[] = [];
  const floor: number[] = [];
  for (const size of sizes) {
    progress(`poll: generating ${size.rows.toLocaleString('en')} sessions (${size.density})`);
    const url = await seed(admin, `bench_${size.density}_${String(size.rows)}`, serverUrl, size.rows, size.density);
    // PostgreSQL alone: the agents' processes are timed by their own measurement.
    const open = await openSources(loadConfig({ DATABASE_URL: url, REGISTRY_MODE: 'sessions', OLLAMA_ENDPOINT: 'off', MONITOR_AGENT_PROCESSES: 'off' }), { timeZone: 'UTC', persistent: true });
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    progress(`poll: ${String(polls)} polls after a change and ${String(polls)} with none`);
    // Warm the caches as a running monitor's would be.
    for (let warm = 0; warm < 5; warm += 1) await readSources(open.sources, Date.now());
    const unchanged: number[] = [];
    const changed: number[] = [];
    for (let poll = 0; poll < polls; poll += 1) {
      // What an agent spawning does to its session, outside the timing.
      await pool.query("UPDATE delegator_sessions SET tasks_delegated = tasks_delegated + 1 WHERE session_id = 'bench_1'");
      changed.push(await timed(() => readSources(open.sources, Date.now())));
      unchanged.push(await timed(() => readSources(open.sources, Date.now())));
      // The floor in the same loop, so it meets the same caches, scheduler and neighbours as the polls.
      floor.push(await timed(() => pool.query('SELECT 1')));
    }
    results.push({
      ...size,
      p50Ms: round(percentile(unchanged, 50)),
      p99Ms: round(percentile(unchanged, 99)),
      changedP50Ms: round(percentile(changed, 50)),
      changedP99Ms: round(percentile(changed, 99)),
    });
    await open.close();
    await pool.end();
  }
  await admin.end();
  const constant = results.filter((result) => result.density === 'constant');
  const smallest = constant.find((result) => result.rows === 10_000);
  const largest = constant.at(-1);
  return {
    floorP50Ms: round(percentile(floor, 50), 3),
    floorP99Ms: round(percentile(floor, 99), 3),
    sizes: results,
    ratioLargestTo10k: smallest && largest ? round(largest.p50Ms / smallest.p50Ms) : null,
    changedRatioLargestTo10k: smallest && largest ? round(largest.changedP50Ms / smallest.changedP50Ms) : null,
  };
}
