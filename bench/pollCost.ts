import pg from 'pg';
import { loadConfig } from '../src/main/config';
import { openSources } from '../src/main/sources/openSources';
import { readSources } from '../src/main/sources/readSources';
import { createStandaloneTables } from '../src/main/sources/postgres/migrate';
import { localDateOf } from '../src/shared/zonedDay';
import { EchoWorkStore } from '../src/main/sources/postgres/echoWorkStore';
import { HeartbeatStore } from '../src/main/sources/postgres/heartbeatStore';
import { PostgresReader } from '../src/main/sources/postgres/postgresReader';
import { SessionStore } from '../src/main/sources/postgres/sessionStore';
import { applyEchoMigrations } from '../test/support/echoSchema';
import { percentile, progress, round, timed } from './stats';

export interface PollSize {
  readonly rows: number;
  readonly density: 'year' | 'constant';
  /** A poll in which nothing changed: the change token alone. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** A poll after a running session gained a task: the token, then the running rows. */
  readonly changedP50Ms: number;
  readonly changedP99Ms: number;
  /** A poll after a session started (the newest start moved): the token, then the whole day. */
  readonly startedP50Ms: number;
  readonly startedP99Ms: number;
  /** A poll after a running session ended: the token, then the running rows and the one that left them. */
  readonly endedP50Ms: number;
  readonly endedP99Ms: number;
  /** `SELECT 1` at this size, timed in the same loop. */
  readonly floorP50Ms: number;
  readonly floorP99Ms: number;
}

const CATEGORIES = `ARRAY['quick_fix','development','technical','product','strategic','operations','hr']`;

/**
 * ECHO's table with `rows` sessions: spread over the last 365 days, or at a
 * constant 100 a day (so the days on screen always hold the same number). The
 * three newest are active, as in life: history grows, the running work does not.
 */
async function seed(
  admin: pg.Pool,
  database: string,
  serverUrl: string,
  rows: number,
  density: PollSize['density'],
): Promise<string> {
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
export async function measurePollCost(
  serverUrl: string,
  sizes: ReadonlyArray<{ rows: number; density: PollSize['density'] }>,
  polls: number,
) {
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  admin.on('error', () => undefined);
  const results: PollSize[] = [];
  const floor: number[] = [];
  for (const size of sizes) {
    progress(`poll: generating ${size.rows.toLocaleString('en')} sessions (${size.density})`);
    const url = await seed(admin, `bench_${size.density}_${String(size.rows)}`, serverUrl, size.rows, size.density);
    // PostgreSQL alone: the agents' processes are timed by their own measurement.
    const open = await openSources(
      loadConfig({
        DATABASE_URL: url,
        REGISTRY_MODE: 'sessions',
        OLLAMA_ENDPOINT: 'off',
        MONITOR_AGENT_PROCESSES: 'off',
      }),
      { timeZone: 'UTC', persistent: true },
    );
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    progress(`poll: ${String(polls)} polls after each kind of change and ${String(polls)} with none`);
    // Warm the caches as a running monitor's would be.
    for (let warm = 0; warm < 5; warm += 1) await readSources(open.sources, Date.now());
    const unchanged: number[] = [];
    const changed: number[] = [];
    const started: number[] = [];
    const ended: number[] = [];
    const sizeFloor: number[] = [];
    for (let poll = 0; poll < polls; poll += 1) {
      // What an agent spawning does to its session, outside the timing.
      await pool.query(
        "UPDATE delegator_sessions SET tasks_delegated = tasks_delegated + 1 WHERE session_id = 'bench_1'",
      );
      changed.push(await timed(() => readSources(open.sources, Date.now())));
      unchanged.push(await timed(() => readSources(open.sources, Date.now())));
      // A session starting, then ending, as the delegator records them: each start a second after the last.
      const id = `bench_started_${String(poll)}`;
      await pool.query(
        `INSERT INTO delegator_sessions (session_id, task_category, active_agents, started_at, total_agents_spawned,
                                         tasks_delegated, status, inserted_at, updated_at)
         SELECT $1, 'development', ARRAY['senior_developer']::varchar[], at, 1, 0, 'active', at, at
           FROM (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') + make_interval(secs => $2) AS at) AS t`,
        [id, poll],
      );
      started.push(await timed(() => readSources(open.sources, Date.now())));
      await pool.query(
        "UPDATE delegator_sessions SET status = 'completed', ended_at = started_at + interval '1 minute' WHERE session_id = $1",
        [id],
      );
      ended.push(await timed(() => readSources(open.sources, Date.now())));
      // The floor in the same loop, so it meets the same caches, scheduler and neighbours as the polls.
      sizeFloor.push(await timed(() => pool.query('SELECT 1')));
    }
    floor.push(...sizeFloor);
    // The table as it was seeded, for what reads it next (the export, serve's event runs).
    await pool.query("DELETE FROM delegator_sessions WHERE session_id LIKE 'bench_started_%'");
    await pool.query('VACUUM ANALYZE delegator_sessions');
    results.push({
      ...size,
      p50Ms: round(percentile(unchanged, 50)),
      p99Ms: round(percentile(unchanged, 99)),
      changedP50Ms: round(percentile(changed, 50)),
      changedP99Ms: round(percentile(changed, 99)),
      startedP50Ms: round(percentile(started, 50)),
      startedP99Ms: round(percentile(started, 99)),
      endedP50Ms: round(percentile(ended, 50)),
      endedP99Ms: round(percentile(ended, 99)),
      floorP50Ms: round(percentile(sizeFloor, 50), 3),
      floorP99Ms: round(percentile(sizeFloor, 99), 3),
    });
    await open.close();
    await pool.end();
  }
  await admin.end();
  const echoWork = await measureEchoWorkPoll(serverUrl, polls);
  const constant = results.filter((result) => result.density === 'constant');
  const smallest = constant.find((result) => result.rows === 10_000);
  const largest = constant.at(-1);
  return {
    floorP50Ms: round(percentile(floor, 50), 3),
    floorP99Ms: round(percentile(floor, 99), 3),
    sizes: results,
    ratioLargestTo10k: smallest && largest ? round(largest.p50Ms / smallest.p50Ms) : null,
    changedRatioLargestTo10k: smallest && largest ? round(largest.changedP50Ms / smallest.changedP50Ms) : null,
    /** ECHO's full schema with a month of messages, its work read in the poll. */
    echoWork,
  };
}

const ROLES = [
  'ceo',
  'cto',
  'chro',
  'operations_head',
  'product_manager',
  'senior_architect',
  'uiux_engineer',
  'senior_developer',
  'test_lead',
];

/**
 * ECHO's full schema with a month of its work: `days` × 9 roles × `perRoleDay`
 * messages (a third of them the delegator's tasks, the newest few unread, one
 * in a hundred failed), decisions, executions and LLM sessions, as a busy
 * ECHO leaves them.
 */
export async function seedEchoWork(pool: pg.Pool, days: number, perRoleDay: number): Promise<void> {
  await applyEchoMigrations(pool);
  await pool.query(
    `INSERT INTO messages (from_role, to_role, type, subject, content, metadata, read, inserted_at, processed_at, processing_error)
     SELECT CASE WHEN n % 3 = 0 THEN 'delegator' ELSE roles[1 + (r + n) % 9] END, roles[1 + r], 'request', 'Direct task: bench ' || n,
            '{"task": {"type": "bench"}}', '{}', at < now() AT TIME ZONE 'UTC' - interval '10 minutes', at, at,
            CASE WHEN n % 100 = 7 THEN '%RuntimeError{message: "LLM unavailable"}' END
       FROM (SELECT $1::varchar[] AS roles) AS given, generate_series(0, 8) AS r, generate_series(1, $2::int * $3::int) AS n,
            LATERAL (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') - make_interval(secs => (n::double precision * 86400 / $3::int))) AS t(at)
      ORDER BY at`,
    [ROLES, days, perRoleDay],
  );
  await pool.query(
    `INSERT INTO decisions (id, decision_type, initiator_role, participants, mode, context, status, inserted_at, updated_at)
     SELECT gen_random_uuid(), 'bench_' || n, 'ceo', ARRAY['cto', 'chro'], 'collaborative', '{}',
            CASE WHEN n <= 5 THEN 'pending' WHEN n % 2 = 0 THEN 'approved' ELSE 'rejected' END, at, at
       FROM generate_series(1, 300) AS n, LATERAL (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') - n * interval '2 hours') AS t(at)`,
  );
  await pool.query(
    `INSERT INTO workflow_executions (id, workflow_name, status, inserted_at, updated_at)
     SELECT 'wf_' || n, 'feature_development', CASE WHEN n <= 3 THEN 'running' WHEN n % 20 = 0 THEN 'failed' ELSE 'completed' END, at, at
       FROM generate_series(1, 600) AS n, LATERAL (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') - n * interval '1 hour') AS t(at)`,
  );
  await pool.query(
    `INSERT INTO llm_sessions (session_id, agent_role, turn_count, total_tokens, created_at, last_query_at)
     SELECT roles[1 + n % 9] || '_' || n, roles[1 + n % 9], n % 7, 1000 + n * 10, at, at
       FROM (SELECT $1::varchar[] AS roles) AS given, generate_series(1, 20) AS n,
            LATERAL (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') - n * interval '3 minutes') AS t(at)`,
    [ROLES],
  );
  await pool.query(
    `INSERT INTO agent_status (role, status, last_heartbeat, metadata)
     SELECT role, 'running', date_trunc('second', now() AT TIME ZONE 'UTC'), '{"version": "1.0.0", "node": "nonode@nohost"}' FROM unnest($1::varchar[]) AS role`,
    [ROLES],
  );
  // As autovacuum leaves tables that have lived a while: statistics current, the visibility map set.
  // An autovacuum worker analysing the fresh rows holds back what VACUUM may mark all-visible: ask until it is done.
  const tables =
    'messages, decisions, decision_votes, workflow_executions, flow_executions, llm_sessions, agent_status';
  await pool.query(`VACUUM ANALYZE ${tables}`);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { rows } = await pool.query<{ visible: boolean }>(
      "SELECT relallvisible >= relpages AS visible FROM pg_class WHERE relname = 'messages'",
    );
    if (rows[0]?.visible === true) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await pool.query(`VACUUM ${tables}`);
  }
}

/**
 * A poll of a busy ECHO's full schema, its work read too: quiet (the change
 * token alone, the work's token in it), and after a new message (the token,
 * then the work), beside the same quiet poll without the work, and the floor.
 */
export async function measureEchoWorkPoll(serverUrl: string, polls: number, days = 30, perRoleDay = 200) {
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  admin.on('error', () => undefined);
  const database = 'bench_echo_work';
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  pool.on('error', () => undefined);
  const messages = days * ROLES.length * perRoleDay;
  progress(`poll: ECHO's full schema with ${messages.toLocaleString('en')} messages`);
  await seedEchoWork(pool, days, perRoleDay);
  const reader = new PostgresReader(new SessionStore(pool, 'UTC'), new HeartbeatStore(pool), {
    work: new EchoWorkStore(pool, 'UTC'),
  });
  const bare = new PostgresReader(new SessionStore(pool, 'UTC'), new HeartbeatStore(pool));
  const request = () => {
    const now = Date.now();
    return { now, today: localDateOf(now, 'UTC'), historyDate: localDateOf(now, 'UTC') };
  };
  for (let warm = 0; warm < 5; warm += 1) await Promise.all([reader.read(request()), bare.read(request())]);
  const quiet: number[] = [];
  const changed: number[] = [];
  const withoutWork: number[] = [];
  const floor: number[] = [];
  for (let poll = 0; poll < polls; poll += 1) {
    // What the delegator publishing a task does (MessageBus.store_message_in_db), outside the timing.
    await pool.query(
      `INSERT INTO messages (from_role, to_role, type, subject, content, metadata, read, inserted_at)
       VALUES ('delegator', 'cto', 'request', 'Direct task: bench', '{}', '{}', false, date_trunc('second', now() AT TIME ZONE 'UTC'))`,
    );
    changed.push(await timed(() => reader.read(request())));
    quiet.push(await timed(() => reader.read(request())));
    withoutWork.push(await timed(() => bare.read(request())));
    floor.push(await timed(() => pool.query('SELECT 1')));
  }
  await pool.end();
  await admin.end();
  const figures = (values: number[]) => ({
    p50Ms: round(percentile(values, 50)),
    p99Ms: round(percentile(values, 99)),
  });
  return {
    messages,
    quiet: figures(quiet),
    changed: figures(changed),
    quietWithoutWork: figures(withoutWork),
    floorP50Ms: round(percentile(floor, 50), 3),
    floorP99Ms: round(percentile(floor, 99), 3),
  };
}
