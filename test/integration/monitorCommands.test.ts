import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { startMonitorService } from '../../src/main/monitor/monitorService';
import { CommandBus } from '../../src/main/sources/redis/commandBus';
import { RedisRegistry } from '../../src/main/sources/redis/redisRegistry';
import { startFakeOllama } from '../support/fakeOllama';
import { redisMissing, redisServerMissing } from '../support/needs';
import { startRedis } from '../support/servers';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

const noRedis = redisMissing() ?? redisServerMissing();
let db: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

function connection(url: string): Redis {
  const client = new Redis(url, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  return client;
}

/** A subscriber on `channel` that never answers, keeping every message it gets. */
async function listenOn(client: Redis, channel: string): Promise<string[]> {
  const heard: string[] = [];
  client.on('message', (from: string, message: string) => {
    if (from === channel) heard.push(message);
  });
  await client.subscribe(channel);
  return heard;
}

describe.skipIf(noRedis !== null)("the monitor's command bus", () => {
  beforeAll(async () => {
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  it('says "no answer" when the command went out and no acknowledgement came', async () => {
    const prefix = `${redis.prefix}mute:`;
    const [listener, subscriber] = [connection(redis.url), connection(redis.url)];
    try {
      const heard = await listenOn(listener, `${prefix}commands`);
      const bus = new CommandBus(redis.redis, prefix, 1000);
      await new RedisRegistry(redis.redis, prefix).subscribe(subscriber, {
        onEvent: (event) => {
          bus.notice(event);
        },
        onMalformed: () => undefined,
      });
      const outcome = await bus.send({ type: 'end_session', sessionId: 'session_x' });
      expect(outcome).toMatchObject({
        ok: false,
        failure: 'no_answer',
        error: 'no answer from the delegator within 1 s',
      });
      expect(heard).toHaveLength(1);
    } finally {
      listener.disconnect();
      subscriber.disconnect();
    }
  });

  it('with Redis down, fails at once and sends nothing once Redis is back', async () => {
    const server = await startRedis();
    const prefix = 'delegator:';
    const config = loadConfig({
      MONITOR_AGENT_PROCESSES: 'off',
      DATABASE_URL: db.url,
      REDIS_URL: server.url,
      REDIS_PREFIX: prefix,
      OLLAMA_ENDPOINT: 'off',
      MONITOR_POLL_MS: '60000',
    });
    const running = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
    const listener = connection(server.url);
    try {
      // Connected: with nobody listening, the command goes out and is counted by nobody.
      expect(await running.sendCommand({ type: 'stop_agent', role: 'cto' })).toMatchObject({
        failure: 'not_sent',
        error: `no delegator is listening on ${prefix}commands`,
      });

      await server.halt();
      await expect
        .poll(() => running.sendCommand({ type: 'stop_agent', role: 'cto' }))
        .toMatchObject({
          ok: false,
          failure: 'not_sent',
          error: 'Redis is not connected, so the command was not sent',
        });
      expect(await running.sendCommand({ type: 'end_session', sessionId: 'session_x' })).toMatchObject({
        failure: 'not_sent',
      });

      await server.launch();
      await listener.connect();
      const heard = await listenOn(listener, `${prefix}commands`);
      // The monitor's own connection comes back within its one-second backoff.
      await expect
        .poll(async () => (await running.monitor.pollNow()).sources.registry.state, { timeout: 8000 })
        .toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(heard).toEqual([]);
    } finally {
      listener.disconnect();
      await running.close();
      await server.stop();
    }
  });
});

describe("the monitor's unload", () => {
  it('unloads through Ollama, confirms it, and polls at once so every view shows the memory freed', async () => {
    const ollama = await startFakeOllama();
    ollama.unloads({ kind: 'drop' });
    const config = loadConfig({
      MONITOR_AGENT_PROCESSES: 'off',
      DATABASE_URL: db.url,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: ollama.endpoint,
      MONITOR_POLL_MS: '600000',
    });
    const running = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
    try {
      const model = running.monitor.current()?.residentModels?.[0]?.name ?? '';
      expect(model).not.toBe('');
      const outcome = await running.sendCommand({ type: 'unload_model', model });
      expect(outcome).toEqual({ ok: true, id: expect.any(String) });
      expect(ollama.received.filter((request) => request.method === 'POST')).toEqual([
        { method: 'POST', path: '/api/generate', body: { model, keep_alive: 0 } },
      ]);
      await expect
        .poll(() => running.monitor.current()?.residentModels?.map((resident) => resident.name), { timeout: 5000 })
        .not.toContain(model);
    } finally {
      await running.close();
      await ollama.close();
    }
  });
});
