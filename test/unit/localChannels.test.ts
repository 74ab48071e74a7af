import { describe, expect, it } from 'vitest';
import { LocalChannels } from '../../src/main/simulator/localChannels';
import { EchoChannels } from '../../src/main/sources/redis/echoChannels';
import type { MonitorEvent } from '../../src/shared/monitorEvent';

/** A message as EchoShared.MessageBus.publish_message writes it (apps/echo_shared/lib/echo_shared/message_bus.ex). */
const TASK = JSON.stringify({
  db_id: 7,
  id: 'msg_1a2b3c4d5e6f7a8b',
  from: 'delegator',
  to: 'ceo',
  type: 'request',
  subject: 'Plan the quarter',
  content: {},
  metadata: { timestamp: '2026-12-07T10:00:00.000000Z' },
});

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LocalChannels', () => {
  it('answers PUBLISH with the subscriptions that will hear it, as Redis does, and delivers after the publisher goes on', async () => {
    const channels = new LocalChannels();
    const heard: string[] = [];
    channels.on('pmessage', (pattern, channel, message) => heard.push(`${pattern} ${channel} ${message}`));
    expect(await channels.publish('messages:ceo', 'before')).toBe(0);
    await channels.psubscribe('messages:*', 'decisions:*');
    expect(await channels.publish('messages:ceo', 'one')).toBe(1);
    expect(await channels.publish('agents:heartbeat', 'none')).toBe(0);
    expect(heard).toEqual([]);
    await nextTurn();
    expect(heard).toEqual(['messages:* messages:ceo one']);
    await channels.punsubscribe('messages:*', 'decisions:*');
    expect(await channels.publish('messages:ceo', 'after')).toBe(0);
  });

  it('carries ECHO’s messages to EchoChannels, parsed as a real server’s are, until the subscription ends', async () => {
    const channels = new LocalChannels();
    const events: MonitorEvent[] = [];
    const malformed: string[] = [];
    const end = await new EchoChannels(channels).subscribe({
      onEvent: (event) => events.push(event),
      onMalformed: (reason) => malformed.push(reason),
    });
    await channels.publish('messages:ceo', TASK);
    await channels.publish('decisions:new', '{not json');
    await nextTurn();
    expect(events.map((event) => [event.type, event.message])).toEqual([
      ['task_delegated', 'Delegator → CEO: Plan the quarter'],
    ]);
    expect(malformed).toEqual(['echo decisions:new: not JSON']);
    await end();
    await channels.publish('messages:ceo', TASK);
    await nextTurn();
    expect(events).toHaveLength(1);
  });
});
