import type { Timers } from '../../src/main/core/time';

/** Lets the promises a timer's callback starts settle, a few turns of the event loop deep. */
export async function settle(rounds = 1): Promise<void> {
  for (let round = 0; round < rounds; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Timers a test moves by hand, with a clock (`now`) that moves with them. */
export class ManualTimers implements Timers {
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  constructor(public now = 0) {}

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** The delays of the timers waiting, from now. */
  waiting(): number[] {
    return [...this.pending.values()].map((timer) => timer.at - this.now);
  }

  private next(): [number, { at: number; callback: () => void }] | undefined {
    return [...this.pending.entries()].sort(([, a], [, b]) => a.at - b.at)[0];
  }

  /** Moves to the next timer, runs it, and lets the promises it starts settle. */
  async fireNext(): Promise<void> {
    const [handle, timer] = this.next() ?? [];
    if (handle === undefined || timer === undefined) throw new Error('no timer waiting');
    this.pending.delete(handle);
    this.now = timer.at;
    timer.callback();
    await settle();
  }

  /** Runs every timer due within `ms`, in order, letting the steps each one starts settle. */
  async advance(ms: number, settleRounds = 20): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const [handle, timer] = this.next() ?? [];
      if (handle === undefined || timer === undefined || timer.at > until) break;
      this.pending.delete(handle);
      this.now = timer.at;
      timer.callback();
      await settle(settleRounds);
    }
    this.now = until;
    await settle(settleRounds);
  }
}
