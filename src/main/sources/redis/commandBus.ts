import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CommandOutcome, DelegatorCommand, DelegatorRequest } from '../../../shared/commands';
import { errorText } from '../../../shared/errorText';
import { GLOBAL_TIMERS, SYSTEM_CLOCK, type Clock, type Timers } from '../../core/time';
import type { RegistryEvent } from './registryEvent';

interface Waiting {
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly timer: unknown;
}

/**
 * Sends commands on `<prefix>commands` and matches the delegator's
 * `command_ack` by id. A command is never queued: with Redis down, or no
 * delegator listening, it fails at once, in front of the user.
 */
export class CommandBus {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly publisher: Pick<Redis, 'publish' | 'status'>,
    private readonly prefix: string,
    private readonly timeoutMs = 10_000,
    private readonly clock: Clock = SYSTEM_CLOCK,
    private readonly timers: Timers = GLOBAL_TIMERS,
  ) {}

  async send(request: DelegatorRequest): Promise<CommandOutcome> {
    const id = randomUUID();
    if (this.publisher.status !== 'ready')
      return { ok: false, id, failure: 'not_sent', error: 'Redis is not connected, so the command was not sent' };
    const command: DelegatorCommand = {
      id,
      type: request.type,
      ...(request.type === 'end_session' ? { session_id: request.sessionId } : { role: request.role }),
      at: new Date(this.clock.now()).toISOString(),
    };
    const answered = new Promise<CommandOutcome>((resolve) => {
      const timer = this.timers.setTimeout(() => {
        this.waiting.delete(id);
        resolve({
          ok: false,
          id,
          failure: 'no_answer',
          error: `no answer from the delegator within ${Math.round(this.timeoutMs / 1000)} s`,
        });
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, timer });
    });
    try {
      const listeners = await this.publisher.publish(`${this.prefix}commands`, JSON.stringify(command));
      if (listeners === 0)
        this.settle(id, {
          ok: false,
          id,
          failure: 'not_sent',
          error: `no delegator is listening on ${this.prefix}commands`,
        });
    } catch (error) {
      // The connection was ready, so the command went onto the socket: Redis may still carry it out.
      this.settle(id, {
        ok: false,
        id,
        failure: 'no_answer',
        error: `no answer from Redis (${errorText(error)}): the command may still reach the delegator`,
      });
    }
    return answered;
  }

  /** Feeds every event from the events channel; acks settle their command. */
  notice(event: RegistryEvent): void {
    if (event.type !== 'command_ack' || event.id === undefined) return;
    this.settle(event.id, {
      ok: event.ok === true,
      id: event.id,
      ...(event.ok === true ? {} : { failure: 'refused', error: event.error ?? 'refused' }),
    });
  }

  private settle(id: string, outcome: CommandOutcome): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    this.timers.clearTimeout(waiting.timer);
    waiting.resolve(outcome);
  }
}
