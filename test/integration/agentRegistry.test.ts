import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeRedis, createRedis } from '../../src/main/sources/redis/redisConnection';
import { RedisRegistry } from '../../src/main/sources/redis/redisRegistry';
import type { RegistryEvent } from '../../src/main/sources/redis/registryEvent';
import { SENIOR_DEVELOPER_AGENT, SENIOR_DEVELOPER_ENTRY } from '../support/fixtures';
import { refusingAddress, startSilentServer } from '../support/deadServers';
import { redisMissing } from '../support/needs';
import { createTestRedis, type TestRedis } from '../support/testRedis';

const noRedis = redisMissing();
let server: TestRedis;
beforeEach(async () => {
  server = await createTestRedis();
});
afterEach(async () => {
  await server.close();
});

function registryOn(url: string, prefix: string, timeoutMs = 1000): { registry: RedisRegistry; close(): void } {
  const redis = createRedis({ url, timeoutMs, persistent: false });
  return {
    registry: new RedisRegistry(redis, prefix),
    close: () => {
      closeRedis(redis);
    },
  };
}

describe.skipIf(noRedis !== null)('RedisRegistry', () => {
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
        expect.objectContaining({ role: 'test_lead', model: 'codellama:13b', origins: ['registry'] }),
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

  it('reads the database the URL names, not database 0', async () => {
    const inThree = new URL(server.url);
    inThree.pathname = '/3';
    const seeder = createRedis({ url: inThree.toString(), timeoutMs: 1000, persistent: false });
    const { registry, close } = registryOn(inThree.toString(), server.prefix);
    try {
      await seeder.hset(`${server.prefix}agents`, 'senior_developer', JSON.stringify(SENIOR_DEVELOPER_ENTRY));
      expect((await registry.readAgents()).value.agents).toEqual([SENIOR_DEVELOPER_AGENT]);
      expect(await server.redis.exists(`${server.prefix}agents`)).toBe(0);
    } finally {
      await seeder.del(`${server.prefix}agents`);
      closeRedis(seeder);
      close();
    }
  });

  it("says the server's reason when the database does not exist there, rather than read database 0", async () => {
    await server.redis.hset(`${server.prefix}agents`, 'senior_developer', JSON.stringify(SENIOR_DEVELOPER_ENTRY));
    const beyond = new URL(server.url);
    // Far past the 16 databases a server has unless told otherwise.
    beyond.pathname = '/65535';
    for (const persistent of [false, true]) {
      const redis = createRedis({ url: beyond.toString(), timeoutMs: 1000, persistent });
      try {
        await expect(new RedisRegistry(redis, server.prefix).readAgents()).rejects.toThrow(
          'Redis: cannot select database 65535: ERR DB index is out of range',
        );
      } finally {
        closeRedis(redis);
      }
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

describe.skipIf(noRedis !== null)('RedisRegistry events', () => {
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
      await server.redis.publish(
        `${server.prefix}events`,
        '{"type":"agent_spawned","at":"2026-11-24T14:23:05Z","role":"cto"}',
      );
      await server.redis.publish(`${server.prefix}events`, 'not json');
      await server.redis.publish(`${server.prefix}other`, '{"type":"agent_spawned","at":"2026-11-24T14:23:05Z"}');
      await server.redis.publish(
        `${server.prefix}events`,
        '{"type":"session_ended","at":"2026-11-24T14:30:00Z","session_id":"s1"}',
      );
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
    const unsubscribe = await registry.subscribe(subscriber, {
      onEvent: (event) => events.push(event),
      onMalformed: () => undefined,
    });
    await unsubscribe();
    const receivers = await server.redis.publish(
      `${server.prefix}events`,
      '{"type":"agent_stopped","at":"2026-11-24T14:23:05Z"}',
    );
    expect(receivers).toBe(0);
    expect(events).toEqual([]);
    subscriber.disconnect();
  });
});
