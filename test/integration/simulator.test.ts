import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CATEGORY_AGENTS, defaultModelFor } from '../../src/main/core/echoRoster';
import { serveCommands } from '../../src/main/simulator/commandChannel';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { insertMessageBackfill, planMessageBackfill } from '../../src/main/simulator/messagePlan';
import { planBackfill } from '../../src/main/simulator/sessionPlan';
import { Simulator } from '../../src/main/simulator/simulator';
import { readWorkTables, WorkWriter } from '../../src/main/simulator/workWriter';
import { CommandBus } from '../../src/main/sources/redis/commandBus';
import { createStandaloneTables, createStandaloneWorkTables } from '../../src/main/sources/postgres/migrate';
import { probeProcesses } from '../../src/main/sources/processes/processProbe';
import { RedisRegistry } from '../../src/main/sources/redis/redisRegistry';
import { readRegistryEntry } from '../../src/main/sources/redis/registryEntry';
import type { RegistryEvent } from '../../src/main/sources/redis/registryEvent';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import { redisMissing, redisServerMissing } from '../support/needs';
import { recordingLog } from '../support/recordingLog';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';
import { alive, plainArguments, procFacts, untilExecutable } from '../support/simulatedAgents';
import type { DelegatorCommand } from '../../src/shared/commands';
import {
  expectMessagesAsEchoWritesThem,
  expectPublishedAsStored,
  listenToEcho,
  messageRows,
  orderLog,
  until,
} from '../support/echoWork';
import { startRedis, type ControllableServer } from '../support/servers';

// The reference delegator's registry and command bus are in Redis, and ECHO's channels in one of their own; the
// backfills and tables need PostgreSQL alone.
const noRedis = redisMissing();
const noRedisServer = redisServerMissing();
let db: TestDatabase;
let redis: TestRedis;
let subscriber: Redis;
let commandListener: Redis;
let simulator: Simulator;
const events: RegistryEvent[] = [];
const malformed: string[] = [];
// The simulator's warnings and errors: a run that goes as it should has none.
const { log: problemLog, lines: problems } = recordingLog('warn');
let bus: CommandBus;

function eventually<T>(read: () => T | undefined, timeoutMs = 8000): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = (): void => {
      const value = read();
      if (value !== undefined) resolve(value);
      else if (Date.now() > deadline) reject(new Error('timed out waiting'));
      else setTimeout(check, 20);
    };
    check();
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  if (noRedis === null) redis = await createTestRedis();
});
afterAll(async () => {
  await db.drop();
  if (noRedis === null) await redis.close();
});

beforeEach(async () => {
  events.length = 0;
  malformed.length = 0;
  problems.length = 0;
  if (noRedis !== null) return;
  subscriber = new Redis(redis.url);
  commandListener = new Redis(redis.url);
  for (const client of [subscriber, commandListener]) client.on('error', () => undefined);
  bus = new CommandBus(redis.redis, redis.prefix, 3000);
  await new RedisRegistry(redis.redis, redis.prefix).subscribe(subscriber, {
    onEvent: (event) => {
      events.push(event);
      bus.notice(event);
    },
    onMalformed: (reason) => malformed.push(reason),
  });
  const writer = new DelegatorWriter(db.pool, redis.redis, redis.prefix);
  // 300x: sessions of 2 to 20 minutes last under 4 s, agents spawn tens of milliseconds apart.
  simulator = new Simulator({ writer, mode: 'sessions', seed: 11, speed: 300, hostName: 'test-host', log: problemLog });
  await serveCommands(commandListener, redis.prefix, simulator, writer, problemLog);
});

afterEach(async () => {
  if (noRedis === null) {
    await simulator.stop();
    subscriber.disconnect();
    commandListener.disconnect();
  }
  expect(malformed).toEqual([]);
  expect(problems).toEqual([]);
});

describe.skipIf(noRedis !== null)('the guide-integrated reference delegator', () => {
  it('writes sessions, registry entries and events that the monitor reads back as the contracts say', async () => {
    await simulator.startWarm();
    const started = events.find((event) => event.type === 'session_started');
    const sessionId = started?.session_id ?? '';
    const store = new SessionStore(db.pool, 'UTC');
    const active = (await store.activeSessions()).value.sessions.find((session) => session.sessionId === sessionId);
    expect(active).toBeDefined();
    const roles = CATEGORY_AGENTS[active?.category ?? ''];
    expect(active?.agents).toEqual(roles);
    expect(active?.totalAgentsSpawned).toBe(roles?.length);
    const registry = await new RedisRegistry(redis.redis, redis.prefix).readAgents();
    expect(registry.dropped).toEqual([]);
    expect(registry.value.agents.map((agent) => agent.role).sort()).toEqual([...(roles ?? [])].sort());
    for (const agent of registry.value.agents) {
      expect(agent).toMatchObject({ sessionId, host: 'test-host', status: 'running', origins: ['registry'] });
      expect(agent.lastHeartbeat).not.toBeNull();
    }
    const raw = await redis.redis.hgetall(`${redis.prefix}agents`);
    for (const [field, text] of Object.entries(raw)) expect(readRegistryEntry(field, text).ok).toBe(true);
    expect(events.filter((event) => event.type === 'agent_spawned').map((event) => event.role)).toEqual(roles);

    const ended = await eventually(() =>
      events.find((event) => event.type === 'session_ended' && event.session_id === sessionId),
    );
    expect(['completed', 'error']).toContain(ended.status);
    const history = (await store.history(new Date().toISOString().slice(0, 10))).value.find(
      (session) => session.sessionId === sessionId,
    );
    expect(history?.endedAt).not.toBeNull();
    expect(history?.agents).toEqual(roles);
    expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(0);
    // Every agent that spawned was announced as stopped.
    const stopped = events
      .filter((event) => event.type === 'agent_stopped' && event.session_id === sessionId)
      .map((event) => event.role);
    expect([...stopped].sort()).toEqual([...(roles ?? [])].sort());
    // ... and the next session follows on its own.
    await eventually(() => events.find((event) => event.type === 'session_started' && event.session_id !== sessionId));
  });

  it('ends a session and stops an agent on command, and refuses what it cannot do', async () => {
    await simulator.startWarm();
    const sessionId = events.find((event) => event.type === 'session_started')?.session_id ?? '';
    const role = events.find((event) => event.type === 'agent_spawned')?.role ?? '';

    const stopAgent = await bus.send({ type: 'stop_agent', role });
    expect(stopAgent).toMatchObject({ ok: true });
    expect(await redis.redis.hexists(`${redis.prefix}agents`, role)).toBe(0);

    const unknownAgent = await bus.send({ type: 'stop_agent', role: 'janitor' });
    expect(unknownAgent).toMatchObject({ ok: false, error: 'no running agent janitor' });

    const endSession = await bus.send({ type: 'end_session', sessionId });
    expect(endSession).toMatchObject({ ok: true });
    const store = new SessionStore(db.pool, 'UTC');
    expect((await store.activeSessions()).value.sessions.map((session) => session.sessionId)).not.toContain(sessionId);

    const again = await bus.send({ type: 'end_session', sessionId });
    expect(again).toMatchObject({ ok: false, error: `no active session ${sessionId}` });
  });

  it('answers a malformed command that carries an id with a refusal', async () => {
    await redis.redis.publish(
      `${redis.prefix}commands`,
      JSON.stringify({ id: 'bad-1', type: 'reboot', at: new Date().toISOString() }),
    );
    const ack = await eventually(() => events.find((event) => event.type === 'command_ack' && event.id === 'bad-1'));
    expect(ack).toMatchObject({ ok: false, error: expect.stringMatching(/^malformed command: type:/) });
  });
});

describe.skipIf(noRedis !== null)('the command bus without a delegator', () => {
  it('fails at once when nobody listens, and never queues', async () => {
    const lonely = new CommandBus(redis.redis, `${redis.prefix}nobody:`, 3000);
    const started = Date.now();
    const outcome = await lonely.send({ type: 'end_session', sessionId: 'x' });
    expect(outcome).toMatchObject({ ok: false, error: `no delegator is listening on ${redis.prefix}nobody:commands` });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails at once when Redis is not connected', async () => {
    const offline = new Redis('redis://127.0.0.1:1', { lazyConnect: true });
    const outcome = await new CommandBus(offline, 'delegator:').send({ type: 'stop_agent', role: 'cto' });
    expect(outcome).toMatchObject({ ok: false, error: 'Redis is not connected, so the command was not sent' });
  });
});

describe('backfill', () => {
  it('writes a history the store reads back day by day, once however often it runs', async () => {
    const now = Date.parse('2026-11-24T14:30:00Z');
    const rows = planBackfill(7, 99, now);
    const writer = new DelegatorWriter(db.pool, null, 'delegator:');
    expect(await writer.insertSessions(rows, now)).toBe(rows.length);
    expect(await writer.insertSessions(rows, now)).toBe(0);
    const stats = await new SessionStore(db.pool, 'UTC').stats('2026-11-17', '2026-11-24');
    expect(stats.totalSessions).toBe(rows.length);
    expect(stats.statusBreakdown).toEqual({
      completed: rows.filter((row) => row.status === 'completed').length,
      error: rows.filter((row) => row.status === 'error').length,
    });
    expect(stats.sessionsPerDay).toHaveLength(8);
  });
});

describe.skipIf(noRedisServer !== null)("the guide-integrated ECHO's agents' work", () => {
  // A database of its own with our transcription of ECHO's work tables, and a Redis of its own: ECHO's channels are
  // unprefixed.
  let workDb: TestDatabase;
  let server: ControllableServer;
  beforeAll(async () => {
    [workDb, server] = await Promise.all([createTestDatabase(), startRedis()]);
    await createStandaloneWorkTables(workDb.pool);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([workDb.drop(), server.stop()]);
  });

  it("hands each session's running agents tasks, which they read, fail or answer, each message stored then published on messages:<to>", async () => {
    const publisher = new Redis(server.url);
    publisher.on('error', () => undefined);
    const listener = await listenToEcho(server.url);
    const order = orderLog(workDb.pool, publisher);
    const work = await WorkWriter.open(order.sql, order.publisher, problemLog);
    const sessions = new Simulator({
      writer: new DelegatorWriter(workDb.pool, null, 'unused:'),
      work,
      mode: 'sessions',
      seed: 11,
      speed: 600,
      hostName: 'test-host',
      processes: null,
      log: problemLog,
    });
    const count = async (where: string): Promise<number> =>
      Number(
        (await workDb.pool.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE ${where}`)).rows[0]?.n ?? 0,
      );
    try {
      await sessions.startWarm();
      await until('tasks read, failed and answered', async () => {
        const seen = [
          await count(`from_role = 'delegator' AND read AND processing_error IS NULL`),
          await count(`processing_error IS NOT NULL`),
          await count(`type = 'response' AND to_role = 'delegator'`),
        ];
        return seen.every((n) => n > 0) ? seen : null;
      });
    } finally {
      await sessions.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    listener.close();
    publisher.disconnect();
    const rows = await messageRows(workDb.pool);
    expectMessagesAsEchoWritesThem(rows);
    expect(expectPublishedAsStored(listener.heard, rows, order.log)).toBe(rows.length);
    // The delegator hands work only to agents of its sessions.
    const { rows: spawned } = await workDb.pool.query<{ role: string }>(
      'SELECT DISTINCT unnest(active_agents) AS role FROM delegator_sessions',
    );
    const tasked = new Set(rows.filter((row) => row.from_role === 'delegator').map((row) => row.to_role));
    expect(spawned.map((row) => row.role)).toEqual(expect.arrayContaining([...tasked]));
  }, 90_000);

  it('finds which of the work tables a database has, and writes only to those', async () => {
    expect(await readWorkTables(db.pool)).toEqual({
      messages: false,
      acknowledgements: false,
      decisions: false,
      llmSessions: false,
      workflows: false,
      flows: false,
    });
    expect(await readWorkTables(workDb.pool)).toEqual({
      messages: true,
      acknowledgements: true,
      decisions: true,
      llmSessions: true,
      workflows: true,
      flows: true,
    });
  });
});

describe("backfill of ECHO's messages", () => {
  let workDb: TestDatabase;
  beforeAll(async () => {
    workDb = await createTestDatabase();
    await createStandaloneWorkTables(workDb.pool);
  });
  afterAll(async () => {
    await workDb.drop();
  });

  it('writes days of tasks, answers and exchanges as ECHO leaves them, each day once however often it runs', async () => {
    const now = Date.parse('2026-11-24T14:30:00Z');
    const week = planMessageBackfill(7, 99, now);
    expect(week).toHaveLength(8);
    const messages = new WorkWriter(workDb.pool, null, await readWorkTables(workDb.pool)).messages;
    const planned = week.reduce((sum, day) => sum + day.length, 0);
    expect(await insertMessageBackfill(messages, week)).toBe(planned);
    expect(await insertMessageBackfill(messages, week)).toBe(0);
    // A longer backfill adds only the days before: each day has its own stream, so the same days plan the same rows.
    const fortnight = planMessageBackfill(14, 99, now);
    expect(fortnight.slice(7)).toEqual(week);
    expect(await insertMessageBackfill(messages, fortnight)).toBe(
      fortnight.slice(0, 7).reduce((sum, day) => sum + day.length, 0),
    );
    const rows = await messageRows(workDb.pool);
    expectMessagesAsEchoWritesThem(rows);
    expect(rows.every((row) => row.inserted_at < now)).toBe(true);
    // Tasks every working day, the failures among them, and the answers to the delegator left unread.
    const { rows: perDay } = await workDb.pool.query<{ day: string; tasks: string }>(
      `SELECT to_char(inserted_at, 'YYYY-MM-DD') AS day, count(*) AS tasks FROM messages WHERE from_role = 'delegator' GROUP BY 1 ORDER BY 1`,
    );
    const weekdays = perDay.filter((row) => ![0, 6].includes(new Date(`${row.day}T00:00:00Z`).getUTCDay()));
    expect(weekdays.length).toBeGreaterThanOrEqual(10);
    for (const row of weekdays) expect(Number(row.tasks)).toBeGreaterThanOrEqual(14);
    expect(rows.some((row) => row.processing_error !== null && row.from_role === 'delegator')).toBe(true);
    expect(rows.some((row) => row.to_role === 'delegator' && row.type === 'response')).toBe(true);
    // A task not yet due to be read by `now` is unread.
    expect(
      rows
        .filter((row) => !row.read && row.to_role !== 'delegator')
        .every((row) => row.inserted_at > now - 25 * 60_000),
    ).toBe(true);
  });
});

interface StatusRow {
  readonly status: string;
  readonly heartbeatAt: number;
  readonly version: string | null;
  readonly capabilities: unknown;
  readonly metadata: { version?: string; timestamp?: string; node?: string } | null;
}

async function statusRows(): Promise<Map<string, StatusRow>> {
  const { rows } = await db.pool.query<StatusRow & { role: string }>(
    `SELECT role, status, (extract(epoch FROM last_heartbeat) * 1000)::float8 AS "heartbeatAt", version, capabilities, metadata FROM agent_status`,
  );
  return new Map(rows.map(({ role, ...row }) => [role, row]));
}

async function registryPids(): Promise<Map<string, number>> {
  const entries = Object.values(await redis.redis.hgetall(`${redis.prefix}agents`)).map(
    (text) => JSON.parse(text) as { role: string; pid?: number },
  );
  return new Map(entries.map((entry) => [entry.role, entry.pid ?? 0]));
}

const stopCommand = (role: string): DelegatorCommand => ({
  id: `stop-${role}`,
  type: 'stop_agent',
  role,
  at: new Date().toISOString(),
});

describe.skipIf(noRedis !== null)("the guide-integrated ECHO's agents", () => {
  // Seed 6 starts a development session: senior_developer and test_lead.
  const ROLES = ['senior_developer', 'test_lead'];
  let live: Simulator;
  let used: string[];

  beforeEach(async () => {
    await db.pool.query('DELETE FROM agent_status');
    used = [];
    const writer = new DelegatorWriter(db.pool, redis.redis, redis.prefix);
    // Slow enough that the session and its agents stay put; heartbeats fast enough to watch them move.
    live = new Simulator({
      writer,
      mode: 'sessions',
      seed: 6,
      speed: 0.001,
      hostName: 'test-host',
      heartbeatMs: 250,
      models: { use: (model) => used.push(model) },
      log: problemLog,
    });
    await live.startWarm();
  });

  afterEach(async () => {
    await live.stop();
  });

  it('runs each agent as a process of its own, spawned as a delegator spawns it, and holding memory', async () => {
    const pids = await registryPids();
    const runtime = await live.agentRuntime();
    expect([...pids.keys()].sort()).toEqual(ROLES);
    for (const [role, pid] of pids) {
      expect(alive(pid), role).toBe(true);
      await expect
        .poll(async () => (await probeProcesses([pid])).get(pid)?.rssBytes ?? 0)
        .toBeGreaterThan(30 * 1024 * 1024);
      if (process.platform !== 'linux') continue;
      // The VM itself when Erlang is here (escript execs it), else Node running the stand-in.
      await untilExecutable(pid, runtime?.executables[0] ?? '');
      const facts = procFacts(pid);
      const [script, ...args] = plainArguments(facts);
      expect(script).toMatch(new RegExp(`^/.+/apps/${role}/${role}$`));
      expect(args).toEqual(['--autonomous']);
      expect(facts.cwd).toBe(process.cwd());
      expect(facts.environ).toEqual(
        expect.arrayContaining([`${role.toUpperCase()}_MODEL=${defaultModelFor(role)}`, 'AGENT_AUTONOMOUS=true']),
      );
    }
  });

  it("beats in agent_status for every running agent, exactly as ECHO's agents do, and uses their models", async () => {
    const first = await statusRows();
    expect([...first.keys()].sort()).toEqual(ROLES);
    for (const row of first.values()) {
      expect(row).toMatchObject({ status: 'running', version: null, capabilities: null });
      expect(row.metadata).toEqual({
        version: '1.0.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
        node: 'nonode@nohost',
      });
      expect(Math.abs(row.heartbeatAt - Date.now())).toBeLessThan(5000);
      // Whole seconds, as ECHO truncates them.
      expect(row.heartbeatAt % 1000).toBe(0);
    }
    expect([...used].sort()).toEqual(ROLES.map(defaultModelFor).sort());
    for (const role of ROLES) {
      await expect
        .poll(async () => (await statusRows()).get(role)?.heartbeatAt ?? 0, { timeout: 5000 })
        .toBeGreaterThan(first.get(role)?.heartbeatAt ?? 0);
    }
    // Each heartbeat is a request to the model, which keeps it loaded.
    expect(used.length).toBeGreaterThan(ROLES.length);
  });

  it('stops an agent: its process ends, and its row stays running and goes stale, as ECHO leaves it', async () => {
    const pid = (await registryPids()).get('test_lead') ?? 0;
    expect(await live.handle(stopCommand('test_lead'))).toEqual({ ok: true });
    expect(alive(pid)).toBe(false);
    const atStop = await statusRows();
    expect(atStop.get('test_lead')?.status).toBe('running');
    await expect
      .poll(async () => (await statusRows()).get('senior_developer')?.heartbeatAt ?? 0, { timeout: 5000 })
      .toBeGreaterThan(atStop.get('senior_developer')?.heartbeatAt ?? 0);
    expect((await statusRows()).get('test_lead')).toEqual(atStop.get('test_lead'));
  });

  it('crashes an agent: its process is killed, its registry entry says error, and its row goes stale', async () => {
    const pid = (await registryPids()).get('test_lead') ?? 0;
    expect(await live.crash('test_lead')).toBe(true);
    expect(alive(pid)).toBe(false);
    const atCrash = await statusRows();
    expect(atCrash.get('test_lead')?.status).toBe('running');
    const entry = JSON.parse((await redis.redis.hget(`${redis.prefix}agents`, 'test_lead')) ?? '{}') as {
      status?: string;
    };
    expect(entry.status).toBe('error');
    // The other agent's heartbeat moves on; the crashed one's stays where it was.
    await expect
      .poll(async () => (await statusRows()).get('senior_developer')?.heartbeatAt ?? 0, { timeout: 5000 })
      .toBeGreaterThan(atCrash.get('senior_developer')?.heartbeatAt ?? 0);
    expect((await statusRows()).get('test_lead')).toEqual(atCrash.get('test_lead'));
    expect(await live.crash('test_lead')).toBe(false);
  });

  it('takes an agent whose process ends by itself for crashed, as this delegator notices', async () => {
    const pid = (await registryPids()).get('senior_developer') ?? 0;
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(() => events.some((event) => event.type === 'agent_crashed' && event.role === 'senior_developer'))
      .toBe(true);
    expect((await statusRows()).get('senior_developer')?.status).toBe('running');
  });

  it('ends every agent and removes their programs when it stops, leaving their rows running', async () => {
    const pids = [...(await registryPids()).values()];
    const runtime = await live.agentRuntime();
    if (process.platform === 'linux') await untilExecutable(pids[0] ?? 0, runtime?.executables[0] ?? '');
    const program = process.platform === 'linux' ? plainArguments(procFacts(pids[0] ?? 0))[0] : undefined;
    expect(program ?? '/apps/').toContain('/apps/');
    await live.stop();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect([...(await statusRows()).values()].map((row) => row.status)).toEqual(['running', 'running']);
    if (program !== undefined) expect(existsSync(program)).toBe(false);
  });
});

describe('createStandaloneTables', () => {
  async function columns(database: TestDatabase, table: string): Promise<string[]> {
    const { rows } = await database.pool.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    return rows.map((row) => row.column_name);
  }

  it("creates ECHO's agent_status where it is missing, with its index", async () => {
    const fresh = await createTestDatabase({ migrated: false });
    try {
      expect(await createStandaloneTables(fresh.pool)).toEqual({
        delegatorSessions: 'created',
        agentStatus: 'created',
      });
      expect(await columns(fresh, 'agent_status')).toEqual([
        'role',
        'status',
        'last_heartbeat',
        'version',
        'capabilities',
        'metadata',
      ]);
      const { rows } = await fresh.pool.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'agent_status' ORDER BY indexname",
      );
      expect(rows.map((row) => row.indexname)).toEqual(['agent_status_last_heartbeat_index', 'agent_status_pkey']);
      expect(await createStandaloneTables(fresh.pool)).toEqual({ delegatorSessions: 'exists', agentStatus: 'exists' });
    } finally {
      await fresh.drop();
    }
  });

  it('gives an install that has sessions but no agent_status the table, and leaves its sessions alone', async () => {
    const older = await createTestDatabase({ migrated: false });
    try {
      await older.pool.query('CREATE TABLE delegator_sessions (session_id text, extra int)');
      expect(await createStandaloneTables(older.pool)).toEqual({ delegatorSessions: 'exists', agentStatus: 'created' });
      expect(await columns(older, 'delegator_sessions')).toEqual(['session_id', 'extra']);
      expect(await columns(older, 'agent_status')).toEqual([
        'role',
        'status',
        'last_heartbeat',
        'version',
        'capabilities',
        'metadata',
      ]);
    } finally {
      await older.drop();
    }
  });

  it('never changes an agent_status that exists', async () => {
    const custom = await createTestDatabase({ migrated: false });
    try {
      await custom.pool.query('CREATE TABLE agent_status (role text, mood text)');
      expect(await createStandaloneTables(custom.pool)).toEqual({
        delegatorSessions: 'created',
        agentStatus: 'exists',
      });
      expect(await columns(custom, 'agent_status')).toEqual(['role', 'mood']);
    } finally {
      await custom.drop();
    }
  });
});
