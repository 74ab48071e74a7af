import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EchoChannels } from '../../src/main/sources/redis/echoChannels';
import { closeRedis, createRedis } from '../../src/main/sources/redis/redisConnection';
import {
  SUBSCRIBER_ROLES_LIMIT,
  subscriberCounts,
  type SubscriberCountCommands,
} from '../../src/main/sources/redis/subscriberCounts';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { refusingAddress } from '../support/deadServers';
import { redisServerMissing } from '../support/needs';
import { startRedis, type ControllableServer } from '../support/servers';

// ECHO publishes on unprefixed channels, and pub/sub ignores the database a
// connection selected, so the shared test server's prefixes and databases
// cannot keep parallel files apart: this file has a Redis server of its own.
const noRedis = redisServerMissing();
let server: ControllableServer | null = null;
let publisher: Redis;
const opened: Redis[] = [];

function connection(): Redis {
  const redis = createRedis({ url: server?.url ?? '', timeoutMs: 1000, persistent: true });
  opened.push(redis);
  return redis;
}

beforeAll(async () => {
  if (noRedis !== null) return;
  server = await startRedis();
  publisher = new Redis(server.url);
  publisher.on('error', () => undefined);
}, 60_000);
afterEach(() => {
  for (const redis of opened.splice(0)) closeRedis(redis);
});
afterAll(async () => {
  if (server === null) return;
  publisher.disconnect();
  await server.stop();
});

// ECHO's shapes, from github:Pranavj17/echo at 1537b49: EchoShared.MessageBus.publish_message and
// broadcast_message (apps/echo_shared/lib/echo_shared/message_bus.ex) publish
// {db_id, id, from, to, type, subject, content, metadata: {timestamp}} on messages:<to>.
const TIMESTAMP = '2026-11-24T14:23:05.123456Z';
let dbId = 100;
function echoMessage(
  from: string,
  to: string,
  type: string,
  subject: string,
  content: Record<string, unknown> = {},
): string {
  dbId += 1;
  return JSON.stringify({
    db_id: dbId,
    id: `msg_${dbId.toString(16).padStart(16, '0')}`,
    from,
    to,
    type,
    subject,
    content,
    metadata: { timestamp: TIMESTAMP },
  });
}

/** Everything the handlers receive, and a wait for the first `count` of it. */
function listener(): {
  events: MonitorEvent[];
  malformed: string[];
  handlers: { onEvent(event: MonitorEvent): void; onMalformed(reason: string): void };
  received(count: number): Promise<void>;
} {
  const events: MonitorEvent[] = [];
  const malformed: string[] = [];
  const waits: Array<{ count: number; resolve: () => void }> = [];
  const settle = (): void => {
    for (const wait of waits.filter((each) => events.length + malformed.length >= each.count)) wait.resolve();
  };
  return {
    events,
    malformed,
    handlers: {
      onEvent: (event) => {
        events.push(event);
        settle();
      },
      onMalformed: (reason) => {
        malformed.push(reason);
        settle();
      },
    },
    received: (count) =>
      new Promise((resolve) => {
        waits.push({ count, resolve });
        settle();
      }),
  };
}

describe('EchoChannels', () => {
  it.skipIf(noRedis !== null)("hears ECHO's messages, tasks and decisions as events, and nothing else", async () => {
    const heard = listener();
    const unsubscribe = await new EchoChannels(connection()).subscribe(heard.handlers);
    try {
      // Delegator.MessageRouter.delegate_to_all (apps/delegator/lib/delegator/message_router.ex).
      await publisher.publish(
        'messages:senior_developer',
        echoMessage('delegator', 'senior_developer', 'request', 'Direct task: code_review', {
          request_id: 'req_1',
          task: { type: 'code_review' },
          delegation_mode: 'direct',
        }),
      );
      await publisher.publish('messages:cto', echoMessage('ceo', 'cto', 'request', 'Q3 Strategy Review'));
      // CTO's notify_technical_decision (apps/cto/lib/cto.ex): a broadcast, then its decision event.
      await publisher.publish(
        'messages:all',
        echoMessage('cto', 'all', 'notification', 'Technical Proposal Approved', {
          decision_id: 'd-7',
          status: 'approved',
        }),
      );
      await publisher.publish('delegator:events', '{"type":"agent_spawned","at":"2026-11-24T14:23:05Z"}');
      await publisher.publish('agents:heartbeat', '{"role":"ceo"}');
      // publish_decision_event merges {event, timestamp} into the data; CEO's initiate_decision (apps/ceo/lib/ceo.ex).
      const uuid = '6f0c9a1e-2b7d-4c3e-9f10-1a2b3c4d5e6f';
      await publisher.publish(
        'decisions:new',
        JSON.stringify({
          decision_id: uuid,
          type: 'budget_approval',
          mode: 'collaborative',
          initiator: 'ceo',
          event: 'new',
          timestamp: TIMESTAMP,
        }),
      );
      await publisher.publish(
        'decisions:completed',
        JSON.stringify({ decision_id: 'd-7', type: 'technical_proposal', event: 'completed', timestamp: TIMESTAMP }),
      );
      await heard.received(5);
      expect(heard.events.map((event) => [event.type, event.message, event.role])).toEqual([
        ['task_delegated', 'Delegator → Senior Developer: Direct task: code_review', 'senior_developer'],
        ['agent_message', 'CEO → CTO (request): Q3 Strategy Review', 'cto'],
        ['agent_message', 'CTO → all agents (notification): Technical Proposal Approved', 'cto'],
        ['decision_new', `Decision budget_approval opened by CEO (collaborative), id ${uuid}`, 'ceo'],
        ['decision_completed', 'Decision technical_proposal completed, id d-7', undefined],
      ]);
      expect(heard.events.every((event) => event.origin === 'echo' && event.at === '2026-11-24T14:23:05.123Z')).toBe(
        true,
      );
      expect(new Set(heard.events.map((event) => event.id)).size).toBe(5);
      expect(heard.malformed).toEqual([]);
    } finally {
      await unsubscribe();
    }
  });

  it.skipIf(noRedis !== null)("drops what is not ECHO's with a reason, cuts a huge subject, and goes on", async () => {
    const heard = listener();
    const unsubscribe = await new EchoChannels(connection()).subscribe(heard.handlers);
    try {
      await publisher.publish('messages:cto', 'hello');
      await publisher.publish('messages:cto', JSON.stringify({ from: 'ceo', to: 'cto', subject: 'no ids, no time' }));
      await publisher.publish('decisions:escalated', JSON.stringify({ event: 'escalated', timestamp: TIMESTAMP }));
      await publisher.publish('messages:cto', echoMessage('ceo', 'cto', 'request', 'x'.repeat(200_000)));
      await heard.received(4);
      expect(heard.malformed).toEqual([
        'echo messages:cto: not JSON',
        expect.stringMatching(/^echo messages:cto: db_id: .*; id: .*; type: .*; metadata: /),
        expect.stringMatching(/^echo decisions:escalated: decision_id: /),
      ]);
      expect(heard.events.map((event) => event.message)).toEqual([
        `CEO → CTO (request): ${'x'.repeat(255)}… (cut from 200,000 characters)`,
      ]);
    } finally {
      await unsubscribe();
    }
  });

  it.skipIf(noRedis !== null)('stops delivering once unsubscribed, and leaves the connection to close', async () => {
    const subscriber = connection();
    const heard = listener();
    const unsubscribe = await new EchoChannels(subscriber).subscribe(heard.handlers);
    expect(await publisher.publish('messages:cto', echoMessage('ceo', 'cto', 'request', 'heard'))).toBe(1);
    await heard.received(1);
    await unsubscribe();
    expect(await publisher.publish('messages:cto', echoMessage('ceo', 'cto', 'request', 'not heard'))).toBe(0);
    expect(
      await publisher.publish(
        'decisions:new',
        JSON.stringify({ decision_id: 'd-1', event: 'new', timestamp: TIMESTAMP }),
      ),
    ).toBe(0);
    // Out of subscriber mode: the connection answers ordinary commands again, and closes cleanly.
    expect(await subscriber.ping()).toBe('PONG');
    expect(await subscriber.quit()).toBe('OK');
    expect(heard.events.map((event) => event.message)).toEqual(['CEO → CTO (request): heard']);
  });

  it('fails to subscribe on a connection that cannot reach Redis, delivering nothing', async () => {
    const { host, port } = await refusingAddress();
    const redis = createRedis({ url: `redis://${host}:${String(port)}`, timeoutMs: 500, persistent: false });
    try {
      const heard = listener();
      await expect(new EchoChannels(redis).subscribe(heard.handlers)).rejects.toThrow();
      expect(redis.listenerCount('pmessage')).toBe(0);
    } finally {
      closeRedis(redis);
    }
  });
});

describe('subscriberCounts', () => {
  /** A connection subscribed as MessageBus.subscribe_to_role subscribes a running agent. */
  async function runningAgent(role: string): Promise<void> {
    await connection().subscribe(`messages:${role}`, 'messages:all', 'messages:leadership');
  }

  it.skipIf(noRedis !== null)(
    'counts the live copies of each role in one command, a pattern listener not among them',
    async () => {
      await runningAgent('ceo');
      await runningAgent('ceo');
      await runningAgent('cto');
      // The monitor's own pattern subscription hears every role and must count as none.
      const unsubscribe = await new EchoChannels(connection()).subscribe(listener().handlers);
      try {
        const counts = await subscriberCounts(publisher, ['ceo', 'cto', 'chro']);
        expect(Object.fromEntries(counts)).toEqual({ ceo: 2, cto: 1, chro: 0 });
      } finally {
        await unsubscribe();
      }
    },
  );

  it.skipIf(noRedis !== null)('asks each role once, at most 200 of them, and nothing for no roles', async () => {
    expect(await subscriberCounts(publisher, [])).toEqual(new Map());
    const roles = Array.from({ length: 250 }, (_, index) => `role_${String(index)}`);
    const counts = await subscriberCounts(publisher, [...roles, 'role_0', 'r'.repeat(300)]);
    expect([...counts.keys()]).toEqual(roles.slice(0, SUBSCRIBER_ROLES_LIMIT));
    expect([...counts.values()].every((count) => count === 0)).toBe(true);
  });

  it("says Redis's own failure", async () => {
    const { host, port } = await refusingAddress();
    const redis = createRedis({ url: `redis://${host}:${String(port)}`, timeoutMs: 500, persistent: false });
    try {
      await expect(subscriberCounts(redis, ['ceo'])).rejects.toThrow(
        `Redis: connect ECONNREFUSED ${host}:${String(port)}`,
      );
    } finally {
      closeRedis(redis);
    }
  });

  it('refuses a reply that is not a count per channel asked', async () => {
    const answering = (reply: unknown): SubscriberCountCommands =>
      ({ pubsub: () => Promise.resolve(reply) }) as unknown as SubscriberCountCommands;
    await expect(subscriberCounts(answering(['messages:ceo', 'two']), ['ceo'])).rejects.toThrow(
      /^Redis: PUBSUB NUMSUB answered unexpectedly: /,
    );
    await expect(subscriberCounts(answering(['messages:cto', 1]), ['ceo'])).rejects.toThrow(
      'Redis: PUBSUB NUMSUB did not answer for messages:ceo',
    );
    await expect(subscriberCounts(answering(['messages:ceo']), ['ceo'])).rejects.toThrow(
      /answered unexpectedly: value: expected a count after each channel/,
    );
    await expect(subscriberCounts(answering('OK'), ['ceo'])).rejects.toThrow(/answered unexpectedly/);
  });
});
