export type PatternListener = (pattern: string, channel: string, message: string) => void;

/**
 * A connection given over to pub/sub (Redis allows nothing else on it once
 * subscribed): what EchoChannels uses of ioredis's client, which the demo's
 * in-process channels provide too.
 */
export interface ChannelSubscriber {
  psubscribe(...patterns: string[]): Promise<unknown>;
  punsubscribe(...patterns: string[]): Promise<unknown>;
  on(event: 'pmessage', listener: PatternListener): unknown;
  off(event: 'pmessage', listener: PatternListener): unknown;
}
