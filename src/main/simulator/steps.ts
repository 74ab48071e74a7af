import { errorText } from '../../shared/errorText';
import type { Logger } from '../core/logger';
import type { Timers } from '../core/time';

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

export interface StepsOptions {
  readonly timers: Timers;
  /** Where each failure is told: a warning while it is tried again, an error once it no longer is. */
  readonly log: Logger;
  /** Retries go on only while this holds. */
  readonly isRunning: () => boolean;
}

/**
 * The simulated delegator's steps, one after another, so that writes never
 * interleave. A step that fails (a database that stalls or restarts) is said
 * in one line and tried again, 1 s later, then 2, 4 … and every 30 s, for as
 * long as the simulator runs: when the server is back, the delegator carries
 * on where it stopped, as a real one would, rather than halt while its
 * heartbeats still make it look alive.
 */
export class Steps {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly retries = new Set<unknown>();

  constructor(private readonly options: StepsOptions) {}

  /** Runs the action once every step before it has settled; its failure is the caller's. */
  run<T>(action: () => Promise<T>): Promise<T> {
    const result = this.chain.then(action);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs the action in turn and, should it fail, again later until it succeeds.
   * The action must be safe to run again after failing part-way. The promise
   * is the first attempt's. Never call it from inside a step and wait for it:
   * it queues behind the step that waits.
   */
  persist<T>(what: string, action: () => Promise<T>, retryInMs = FIRST_RETRY_MS): Promise<T> {
    const result = this.run(action);
    result.catch((error: unknown) => {
      if (!this.options.isRunning()) {
        this.options.log.error(`${what} failed: ${errorText(error)}`);
        return;
      }
      this.options.log.warn(`${what} failed, trying again in ${String(retryInMs / 1000)} s: ${errorText(error)}`);
      const handle = this.options.timers.setTimeout(() => {
        this.retries.delete(handle);
        this.persist(what, action, Math.min(retryInMs * 2, LAST_RETRY_MS)).catch(() => undefined);
      }, retryInMs);
      this.retries.add(handle);
    });
    return result;
  }

  /** Drops every retry still waiting: the simulator is stopping. */
  cancelRetries(): void {
    for (const handle of this.retries) this.options.timers.clearTimeout(handle);
    this.retries.clear();
  }
}
