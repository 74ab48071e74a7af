import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CATEGORY_AGENTS } from '../../src/main/core/echoRoster';
import { serveCommands } from '../../src/main/simulator/commandChannel';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { planBackfill } from '../../src/main/simulator/sessionPlan';
import { Simulator } from '../../src/main/simulator/simulator';
import { CommandBus } from '../../src/main/sources/commandBus';
import { RedisRegistry } from '../../src/main/sources/redisRegistry';
import { readRegistryEntry } from '../../src/main/sources/registryEntry';
import type { RegistryEvent } from '../../src/main/sources/registryEvent';
import { SessionStore } from '../../src/main/sources/sessionStore';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

let db: TestDatabase;
let redis: TestRedis;
let subscriber: Redis;
let commandListener: Redis;
let simulator: Simulator;
const events: RegistryEvent[] = [];
const malformed: string[] = [];
const problems: string[] = [];
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
  [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterAll(async () => {
  await Promise.all([db.drop(), redis.close()]);
});

beforeEach(async () => {
  events.length = 0;
  malformed.length = 0;
  problems.length = 0;
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
  simulator = new Simulator({ writer, seed: 11, speed: 300, hostName: 'test-host', onError: (message) => problems.push(message) });
  await serveCommands(commandListener, redis.prefix, simulator, writer, (message) => problems.push(message));
});

afterEach(async () => {
  await simulator.stop();
  subscriber.disconnect();
  commandListener.disconnect();
  expect(malformed).toEqual([]);
  expect(problems).toEqual([]);
});

describe('the reference delegator', () => {
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
      expect(agent).toMatchObject({ sessionId, host: 'test-host', status: 'running', origin: 'registry' });
      expect(agent.lastHeartbeat).not.toBeNull();
    }
    const raw = await redis.redis.hgetall(`${redis.prefix}agents`);
    for (const [field, text] of Object.entries(raw)) expect(readRegistryEntry(field, text).ok).toBe(true);
    expect(events.filter((event) => event.type === 'agent_spawned').map((event) => event.role)).toEqual(roles);

    const ended = await eventually(() => events.find((event) => event.type === 'session_ended' && event.session_id === sessionId));
    expect(['completed', 'error']).toContain(ended.status);
    const history = (await store.history(new Date().toISOString().slice(0, 10))).value.find((session) => session.sessionId === sessionId);
    expect(history?.endedAt).not.toBeNull();
    expect(history?.agents).toEqual(roles);
    expect(await redis.redis.exists(`${redis.prefix}agents`)).toBe(0);
    // Every agent that spawned was announced as stopped.
    const stopped = events.filter((event) => event.type === 'agent_stopped' && event.session_id === sessionId).map((event) => event.role);
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
    await redis.redis.publish(`${redis.prefix}commands`, JSON.stringify({ id: 'bad-1', type: 'reboot', at: new Date().toISOString() }));
    const ack = await eventually(() => events.find((event) => event.type === 'command_ack' && event.id === 'bad-1'));
    expect(ack).toMatchObject({ ok: false, error: expect.stringMatching(/^malformed command: type:/) });
  });
});

describe('the command bus without a delegator', () => {
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
