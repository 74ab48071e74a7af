import type { MonitorEvent } from '../../../shared/monitorEvent';
import type { Redis } from 'ioredis';
import type { AgentRecord } from '../../../shared/model';
import type { RegistryData } from '../../core/readings';
import { explainRedisFailure } from './redisFailures';
import { readRegistryEntry } from './registryEntry';
import { readRegistryEvent, type RegistryEvent } from './registryEvent';
import type { Screened } from '../screening';

/** What the registry reader needs of a Redis connection. */
export type RegistryCommands = Pick<Redis, 'hgetall'>;
/** A connection given over to pub/sub: Redis allows nothing else on it once subscribed. */
export type EventSubscriber = Pick<Redis, 'subscribe' | 'unsubscribe' | 'on' | 'off'>;

export interface EventHandlers {
  readonly onEvent: (event: RegistryEvent) => void;
  readonly onMalformed: (reason: string) => void;
  /** An event heard on ECHO's own channels (`messages:*`, `decisions:*`), already in the monitor's form. */
  readonly onEchoEvent?: (event: MonitorEvent) => void;
}

/** The delegator's agent registry in Redis (`<prefix>agents`) and its event channel (`<prefix>events`). */
export class RedisRegistry {
  constructor(
    private readonly redis: RegistryCommands,
    private readonly prefix: string,
  ) {}

  get agentsKey(): string {
    return `${this.prefix}agents`;
  }

  get eventsChannel(): string {
    return `${this.prefix}events`;
  }

  async readAgents(): Promise<Screened<RegistryData>> {
    let fields: Record<string, string>;
    try {
      fields = await this.redis.hgetall(this.agentsKey);
    } catch (error) {
      throw new Error(`Redis: ${explainRedisFailure(this.redis, error)}`, { cause: error });
    }
    const agents: AgentRecord[] = [];
    const dropped: string[] = [];
    for (const [field, text] of Object.entries(fields)) {
      const result = readRegistryEntry(field, text);
      if (result.ok) agents.push(result.agent);
      else dropped.push(result.reason);
    }
    agents.sort((a, b) => a.role.localeCompare(b.role));
    // Redis deletes a hash with no fields, so an empty reply means the key is absent.
    return { value: { exists: Object.keys(fields).length > 0, agents }, dropped };
  }

  /** Subscribes on a dedicated connection; resolves once Redis confirms, to a function that unsubscribes. */
  async subscribe(subscriber: EventSubscriber, handlers: EventHandlers): Promise<() => Promise<void>> {
    const channel = this.eventsChannel;
    const listener = (from: string, message: string): void => {
      if (from !== channel) return;
      const result = readRegistryEvent(message);
      if (result.ok) handlers.onEvent(result.event);
      else handlers.onMalformed(result.reason);
    };
    subscriber.on('message', listener);
    try {
      await subscriber.subscribe(channel);
    } catch (error) {
      subscriber.off('message', listener);
      throw error;
    }
    return async () => {
      subscriber.off('message', listener);
      await subscriber.unsubscribe(channel);
    };
  }
}
