import { errorText } from '../../shared/errorText';
import type { Logger } from '../core/logger';
import type { Timers } from '../core/time';
import type { Steps } from './steps';

/** ECHO's `HeartbeatWorker` interval. */
export const HEARTBEAT_MS = 5000;

export interface HeartbeatLoopOptions {
  readonly timers: Timers;
  readonly steps: Steps;
  readonly intervalMs: number;
  /** Writes one round of heartbeats. */
  readonly beat: () => Promise<void>;
  readonly log: Logger;
}

/**
 * Beats every `intervalMs` of real time, in turn with the simulator's other
 * steps. A beat still waiting on a stalled server is not joined by more: the
 * one after it carries the news. Failures are said once while they last; the
 * next beat is the retry.
 */
export class HeartbeatLoop {
  private handle: unknown = null;
  private beating = false;
  private failing = false;

  constructor(private readonly options: HeartbeatLoopOptions) {}

  start(): void {
    if (this.handle !== null) return;
    this.schedule();
  }

  stop(): void {
    if (this.handle !== null) this.options.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    this.handle = this.options.timers.setTimeout(() => {
      this.round();
      this.schedule();
    }, this.options.intervalMs);
  }

  private round(): void {
    if (this.beating) return;
    this.beating = true;
    this.options.steps
      .run(this.options.beat)
      .then(
        () => {
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.failing) this.options.log.warn(`heartbeats failed, tried again at each beat: ${errorText(error)}`);
          this.failing = true;
        },
      )
      .finally(() => {
        this.beating = false;
      });
  }
}
