import type { ChannelSubscriber, PatternListener } from '../../core/channelSubscriber';
import type { MonitorEvent } from '../../../shared/monitorEvent';
import { ECHO_CHANNEL_PATTERNS, readEchoChannelMessage } from './echoChannelEvents';

export interface EchoChannelHandlers {
  readonly onEvent: (event: MonitorEvent) => void;
  /** A message that is not one of ECHO's shapes, with why; it counts against the source like a bad registry event. */
  readonly onMalformed: (reason: string) => void;
}

const PATTERNS: ReadonlySet<string> = new Set(ECHO_CHANNEL_PATTERNS);

/**
 * ECHO's live traffic: every message between its agents, every task the
 * delegator hands out and every decision event, heard the moment ECHO publishes
 * it. ECHO only PUBLISHes, so listening costs it nothing, and ECHO needs no
 * change. One pattern subscription covers every role, present and future.
 *
 * Pattern subscribers are not counted by `PUBSUB NUMSUB`, so listening here
 * never inflates the live copies `subscriberCounts` reads.
 */
export class EchoChannels {
  /** `redis` is a dedicated subscriber connection, with its `error` listener; one EchoChannels per connection. */
  constructor(private readonly redis: ChannelSubscriber) {}

  /**
   * Resolves once Redis confirms the subscription, to a function that ends it and leaves the connection to be closed.
   */
  async subscribe(handlers: EchoChannelHandlers): Promise<() => Promise<void>> {
    const listener: PatternListener = (pattern, channel, message) => {
      // The connection may carry other pattern subscriptions; theirs are not ECHO's.
      if (!PATTERNS.has(pattern)) return;
      const result = readEchoChannelMessage(channel, message);
      if (result.ok) handlers.onEvent(result.event);
      else handlers.onMalformed(result.reason);
    };
    this.redis.on('pmessage', listener);
    try {
      await this.redis.psubscribe(...ECHO_CHANNEL_PATTERNS);
    } catch (error) {
      this.redis.off('pmessage', listener);
      throw error;
    }
    return async () => {
      // Delivery stops here, even when the command below fails on a lost connection.
      this.redis.off('pmessage', listener);
      await this.redis.punsubscribe(...ECHO_CHANNEL_PATTERNS);
    };
  }
}
