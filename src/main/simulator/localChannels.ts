import type { ChannelSubscriber, PatternListener } from '../core/channelSubscriber';

/** Redis's glob for the only form ECHO's patterns take: a prefix and a trailing `*`, or an exact name. */
function matches(pattern: string, channel: string): boolean {
  return pattern.endsWith('*') ? channel.startsWith(pattern.slice(0, -1)) : channel === pattern;
}

/**
 * Redis pub/sub inside one process, for the demo, which has no Redis: the
 * simulator PUBLISHes ECHO's messages here as it would to Redis, and the
 * monitor hears them through the same EchoChannels and the same parsing as
 * on a real server. Delivery is asynchronous, as over a connection, so a
 * publisher never waits for a listener.
 */
export class LocalChannels implements ChannelSubscriber {
  private readonly patterns = new Set<string>();
  private readonly listeners = new Set<PatternListener>();

  /** As Redis answers: how many subscriptions will receive it (pattern subscriptions each count once). */
  publish(channel: string, message: string): Promise<number> {
    const heard = [...this.patterns].filter((pattern) => matches(pattern, channel));
    if (heard.length > 0) {
      setImmediate(() => {
        for (const pattern of heard) for (const listener of this.listeners) listener(pattern, channel, message);
      });
    }
    return Promise.resolve(heard.length);
  }

  psubscribe(...patterns: string[]): Promise<number> {
    for (const pattern of patterns) this.patterns.add(pattern);
    return Promise.resolve(this.patterns.size);
  }

  punsubscribe(...patterns: string[]): Promise<number> {
    for (const pattern of patterns) this.patterns.delete(pattern);
    return Promise.resolve(this.patterns.size);
  }

  on(_event: 'pmessage', listener: PatternListener): this {
    this.listeners.add(listener);
    return this;
  }

  off(_event: 'pmessage', listener: PatternListener): this {
    this.listeners.delete(listener);
    return this;
  }
}
