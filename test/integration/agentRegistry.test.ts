import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentSource } from '../../src/main/sources/agentSource';
import { closeRedis, createRedis } from '../../src/main/sources/redisConnection';
import { RedisRegistry } from '../../src/main/sources/redisRegistry';
import type { RegistryEvent } from '../../src/main/sources/registryEvent';
import { SENIOR_DEVELOPER_AGENT, SENIOR_DEVELOPER_ENTRY, sessionRecord } from '../support/fixtures';
import { refusingAddress, startSilentServer } from '../support/deadServers';
import { createTestRedis, type TestRedis } from '../support/testRedis';


const ACTIVE_SESSION = sessionRecord({ sessionId: 'session_1', startedAt: '2026-11-24T14:00:00.000Z' });

let server: TestRedis;
beforeEach(async () => {
  server = await createTestRedis();
});
afterEach(async () => {
  await server.close();
});

function registryOn(url: string, prefix: string, timeoutMs = 1000): { registry: RedisRegistry; close(): void } {
  const redis = createRedis({ url, timeoutMs, persistent: false });
  return { registry: new RedisRegistry(redis, prefix), close: () => { closeRedis(redis); } };
}

describe('RedisRegistry', () => {
  it('reads every well-formed agent and drops the rest with reasons', async () => {
    await server.redis.hset(`${server.prefix}agents`, {
      senior_developer: JSON.stringify(SENIOR_DEVELOPER_ENTRY),
      test_lead: JSON.stringify({ role: 'test_lead' }),
      cto: '{"role":"cto",',
      ceo: JSON.stringify({ role: 'ceo', pid: 'twelve' }),
    });
    const { registry, close } = registryOn(server.url, server.prefix);
    try {
      const { value, dropped } = await registry.readAgents();
      expect(value.exists).toBe(true);
      expect(value.agents).toEqual([
        SENIOR_DEVELOPER_AGENT,
        expect.objectContaining({ role: 'test_lead', model: 'codellama:13b', origin: 'registry' }),
      ]);
      expect([...dropped].sort()).toEqual([expect.stringMatching(/^agent ceo: pid:/), 'agent cto: not JSON']);
    } finally {
      close();
    }
  });

  it('says when there is no registry at all', async () => {
    const { registry, close } = registryOn(server.url, server.prefix);
    try {
      expect((await registry.readAgents()).value).toEqual({ exists: false, agents: [] });
    } finally {
      close();
    }
  });

  it('names the connection failure, not a generic one', async () => {
    const { host, port } = await refusingAddress();
    const { registry, close } = registryOn(`redis://${host}:${port}`, server.prefix);
    try {
      await expect(registry.readAgents()).rejects.toThrow(`Redis: connect ECONNREFUSED ${host}:${port}`);
    } finally {
      close();
    }
  });

  it('gives up on a server that never answers within its timeout', async () => {
    const silent = await startSilentServer();
    const { registry, close } = registryOn(`redis://${silent.host}:${silent.port}`, server.prefix, 500);
    try {
      await expect(registry.readAgents()).rejects.toThrow(/Redis: .*(ETIMEDOUT|timed out)/i);
    } finally {
      close();
      await silent.close();
    }
  });
});

describe('RedisRegistry events', () => {
  it('delivers each event from the channel and counts the malformed ones', async () => {
    const subscriber = createRedis({ url: server.url, timeoutMs: 1000, persistent: true });
    const registry = new RedisRegistry(server.redis, server.prefix);
    const events: RegistryEvent[] = [];
    const malformed: string[] = [];
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const unsubscribe = await registry.subscribe(subscriber, {
      onEvent: (event) => {
        events.push(event);
        if (events.length === 2) settle();
      },
      onMalformed: (reason) => malformed.push(reason),
    });
    try {
      await server.redis.publish(`${server.prefix}events`, '{"type":"agent_spawned","at":"2026-11-24T14:23:05Z","role":"cto"}');
      await server.redis.publish(`${server.prefix}events`, 'not json');
      await server.redis.publish(`${server.prefix}other`, '{"type":"agent_spawned","at":"2026-11-24T14:23:05Z"}');
      await server.redis.publish(`${server.prefix}events`, '{"type":"session_ended","at":"2026-11-24T14:30:00Z","session_id":"s1"}');
      await done;
      expect(events.map((event) => [event.type, event.role ?? event.session_id])).toEqual([
        ['agent_spawned', 'cto'],
        ['session_ended', 's1'],
      ]);
      expect(malformed).toEqual(['event: not JSON']);
    } finally {
      await unsubscribe();
      subscriber.disconnect();
    }
  });

  it('stops delivering once unsubscribed', async () => {
    const subscriber = createRedis({ url: server.url, timeoutMs: 1000, persistent: true });
    const registry = new RedisRegistry(server.redis, server.prefix);
    const events: RegistryEvent[] = [];
    const unsubscribe = await registry.subscribe(subscriber, { onEvent: (event) => events.push(event), onMalformed: () => undefined });
    await unsubscribe();
    const receivers = await server.redis.publish(`${server.prefix}events`, '{"type":"agent_stopped","at":"2026-11-24T14:23:05Z"}');
    expect(receivers).toBe(0);
    expect(events).toEqual([]);
    subscriber.disconnect();
  });
});

describe('AgentSource', () => {
  const sessions = Promise.resolve([ACTIVE_SESSION]);

  it('auto: uses the registry when Redis holds one', async () => {
    await server.redis.hset(`${server.prefix}agents`, 'senior_developer', JSON.stringify(SENIOR_DEVELOPER_ENTRY));
    const source = new AgentSource('auto', new RedisRegistry(server.redis, server.prefix));
    const reading = await source.read(sessions);
    expect(reading.health).toEqual({ state: 'ok', dropped: 0, droppedReasons: [], agentsFrom: 'registry' });
    expect(reading.agents?.map((agent) => agent.role)).toEqual(['senior_developer']);
  });

  it('auto: derives agents from active sessions when Redis holds no registry', async () => {
    const source = new AgentSource('auto', new RedisRegistry(server.redis, server.prefix));
    const reading = await source.read(sessions);
    expect(reading.health).toMatchObject({ state: 'ok', agentsFrom: 'sessions' });
    expect(reading.agents).toEqual([
      expect.objectContaining({ role: 'senior_developer', model: 'deepseek-coder:6.7b', spawnedAt: ACTIVE_SESSION.startedAt, origin: 'sessions' }),
      expect.objectContaining({ role: 'test_lead', model: 'codellama:13b', origin: 'sessions' }),
    ]);
  });

  it('auto: once a registry was seen, its absence means no agents', async () => {
    const key = `${server.prefix}agents`;
    await server.redis.hset(key, 'senior_developer', JSON.stringify(SENIOR_DEVELOPER_ENTRY));
    const source = new AgentSource('auto', new RedisRegistry(server.redis, server.prefix));
    await source.read(sessions);
    await server.redis.del(key);
    const reading = await source.read(sessions);
    expect(reading.agents).toEqual([]);
    expect(reading.health.agentsFrom).toBe('registry');
  });

  it('auto: reports Redis down, and still shows the agents the sessions name', async () => {
    const { host, port } = await refusingAddress();
    const { registry, close } = registryOn(`redis://${host}:${port}`, server.prefix);
    try {
      const reading = await new AgentSource('auto', registry).read(sessions);
      expect(reading.health).toMatchObject({ state: 'error', error: `Redis: connect ECONNREFUSED ${host}:${port}`, agentsFrom: 'sessions' });
      expect(reading.agents?.map((agent) => agent.role)).toEqual(['senior_developer', 'test_lead']);
    } finally {
      close();
    }
  });

  it('redis: with Redis down the agents are unknown, not zero', async () => {
    const { host, port } = await refusingAddress();
    const { registry, close } = registryOn(`redis://${host}:${port}`, server.prefix);
    try {
      const reading = await new AgentSource('redis', registry).read(sessions);
      expect(reading.health.state).toBe('error');
      expect(reading.agents).toBeNull();
    } finally {
      close();
    }
  });

  it('redis: an absent registry means no agents', async () => {
    const reading = await new AgentSource('redis', new RedisRegistry(server.redis, server.prefix)).read(sessions);
    expect(reading).toEqual({ agents: [], health: { state: 'ok', dropped: 0, droppedReasons: [], agentsFrom: 'registry' } });
  });

  it('sessions: never asks Redis', async () => {
    await server.redis.hset(`${server.prefix}agents`, 'cto', JSON.stringify({ role: 'cto' }));
    const reading = await new AgentSource('sessions', new RedisRegistry(server.redis, server.prefix)).read(sessions);
    expect(reading.agents?.map((agent) => agent.role)).toEqual(['senior_developer', 'test_lead']);
    expect(reading.health.agentsFrom).toBe('sessions');
  });

  it('counts malformed registry entries in the health', async () => {
    await server.redis.hset(`${server.prefix}agents`, { cto: '{"role":"cto"}', ceo: '[]' });
    const reading = await new AgentSource('auto', new RedisRegistry(server.redis, server.prefix)).read(sessions);
    expect(reading.health).toMatchObject({ state: 'ok', dropped: 1, droppedReasons: [expect.stringMatching(/^agent ceo:/)] });
    expect(reading.agents?.map((agent) => agent.role)).toEqual(['cto']);
  });
});

