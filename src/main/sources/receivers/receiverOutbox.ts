import { errorText } from '../../../shared/errorText';
import { formatDuration } from '../../../shared/format';
import type { ReceiverHealth } from '../../../shared/model';
import type { NotificationIntent } from '../../core/alerts/engine';
import { NO_FIRINGS_SENT, routeIntent, type FiringsSent } from '../../core/alerts/receiverRouting';
import {
  FRESH_RECEIVER_TRACK,
  receiverHealthOf,
  trackDropped,
  trackTry,
  type ReceiverTrack,
} from '../../core/alerts/receiverTrack';
import {
  emptyQueue,
  enqueue,
  finishTry,
  nextStep,
  startTry,
  type RetryPolicy,
  type SendQueue,
  type TryResult,
} from '../../core/alerts/sendQueue';
import type { Logger } from '../../core/logger';
import type { Clock, Timers } from '../../core/time';
import type { OutgoingMessage } from './outgoingMessage';
import { receiverLabel, type ReceiverTarget } from './receiverTargets';

export interface OutboxEntry {
  readonly intent: NotificationIntent;
  readonly message: OutgoingMessage;
}

export interface OutboxOptions {
  readonly target: ReceiverTarget;
  readonly send: (message: OutgoingMessage) => Promise<TryResult>;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly timers: Timers;
  /** The receiver took this notice, at this instant. */
  readonly onDelivered: (intent: NotificationIntent, at: number) => void;
  readonly log: Logger;
}

/**
 * One receiver's notices: which it is sent, a bounded queue tried one at a
 * time in order, retries after a growing wait, and its health. Nothing here
 * is awaited by a poll: `push` only queues and starts a try in the background.
 */
export class ReceiverOutbox {
  private queue: SendQueue<OutboxEntry> = emptyQueue();
  private track: ReceiverTrack = FRESH_RECEIVER_TRACK;
  private firings: FiringsSent = NO_FIRINGS_SENT;
  private waitTimer: unknown = null;
  private closed = false;
  private readonly idleWaiters = new Set<() => void>();
  /** `receiver phone (ntfy)`: how each of its log lines begins. */
  readonly label: string;

  constructor(private readonly options: OutboxOptions) {
    this.label = `receiver ${receiverLabel(options.target)}`;
  }

  get target(): ReceiverTarget {
    return this.options.target;
  }

  /** Whether this notice is for this receiver (its level, or a firing it got); remembers the firings it is sent. */
  takes(intent: NotificationIntent): boolean {
    const routed = routeIntent(this.options.target, this.firings, intent);
    this.firings = routed.sent;
    return routed.send;
  }

  push(entry: OutboxEntry): void {
    if (this.closed) return;
    const { queue, pushedOut } = enqueue(this.queue, entry, this.options.clock.now(), this.options.policy);
    this.queue = queue;
    if (pushedOut !== null) {
      this.track = trackDropped(this.track);
      this.options.log.warn(`${this.label}: queue full, dropped "${pushedOut.intent.title}"`);
    }
    this.pump();
  }

  health(): ReceiverHealth {
    return receiverHealthOf(this.options.target, this.track, this.queue.items.length);
  }

  /**
   * Gives what is queued up to `graceMs` to go out, then stops: no more
   * tries, no timer left. Returns how many notices were left unsent. A try
   * under way then ends by its own timeout, unheeded.
   */
  async drain(graceMs: number): Promise<number> {
    if (this.queue.items.length > 0 && !this.closed) {
      let graceTimer: unknown = null;
      await new Promise<void>((resolve) => {
        this.idleWaiters.add(resolve);
        graceTimer = this.options.timers.setTimeout(resolve, graceMs);
      });
      this.options.timers.clearTimeout(graceTimer);
    }
    this.closed = true;
    if (this.waitTimer !== null) this.options.timers.clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.idleWaiters.clear();
    return this.queue.items.length;
  }

  private pump(): void {
    if (this.closed || this.waitTimer !== null) return;
    const step = nextStep(this.queue, this.options.clock.now());
    if (step.kind === 'idle') {
      if (this.queue.items.length === 0) for (const resolve of this.idleWaiters) resolve();
      return;
    }
    if (step.kind === 'wait') {
      this.waitTimer = this.options.timers.setTimeout(() => {
        this.waitTimer = null;
        this.pump();
      }, step.ms);
      return;
    }
    this.queue = startTry(this.queue);
    void this.tryHead(step.head.item);
  }

  private async tryHead(entry: OutboxEntry): Promise<void> {
    const result = await this.options
      .send(entry.message)
      .catch((error: unknown): TryResult => ({ ok: false, error: errorText(error), retry: true }));
    if (this.closed) return;
    const now = this.options.clock.now();
    const tried = trackTry(this.track, result, now);
    const finished = finishTry(this.queue, result, now, this.options.policy);
    this.queue = finished.queue;
    this.track = tried.track;
    if (tried.change?.kind === 'down') this.options.log.warn(`${this.label} down: ${tried.change.error}`);
    if (tried.change?.kind === 'up') {
      this.options.log.info(`${this.label} back after ${formatDuration(tried.change.downMs / 1000)}`);
    }
    if (finished.outcome === 'sent') this.options.onDelivered(entry.intent, now);
    if (finished.outcome === 'gave-up') {
      this.track = trackDropped(this.track);
      const why = result.ok ? '' : `: ${result.error}`;
      this.options.log.warn(`${this.label}: gave up "${entry.intent.title}"${why}`);
    }
    this.pump();
  }
}
