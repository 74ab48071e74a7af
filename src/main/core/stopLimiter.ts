import { formatRole } from '../../shared/format';

/** At most this many Stops begin in any window of this many ms, whatever their roles. */
export const STOP_RATE = { count: 10, windowMs: 10_000 } as const;

export type StopSlot = { readonly ok: true; end(): void } | { readonly ok: false; readonly reason: string };

/**
 * How many Stops run at once. Each reads a process and waits seconds for it
 * to exit, and a page, a script or a stuck button can ask for one in a loop:
 * at most one Stop of a role is under way at a time, and at most
 * STOP_RATE.count begin in any STOP_RATE.windowMs; one more is refused at
 * once with the reason, and nothing is sent for it.
 */
export class StopLimiter {
  private readonly running = new Set<string>();
  private begun: number[] = [];
  private readonly clock: () => number;
  private readonly rate: { readonly count: number; readonly windowMs: number };

  constructor(clock: () => number, rate: { readonly count: number; readonly windowMs: number } = STOP_RATE) {
    this.clock = clock;
    this.rate = rate;
  }

  /** A slot for a Stop of this role, to `end()` once it is done whatever its outcome; or why there is none. */
  begin(role: string): StopSlot {
    const now = this.clock();
    this.begun = this.begun.filter((at) => now - at < this.rate.windowMs);
    if (this.running.has(role))
      return { ok: false, reason: `a Stop of ${formatRole(role)} is already under way; this one was not sent` };
    const oldest = this.begun[0];
    if (this.begun.length >= this.rate.count && oldest !== undefined) {
      const wait = Math.max(1, Math.ceil((oldest + this.rate.windowMs - now) / 1000));
      return {
        ok: false,
        reason: `too many Stops: at most ${this.rate.count} in ${this.rate.windowMs / 1000} s; this one was not sent, try again in ${wait} s`,
      };
    }
    this.begun.push(now);
    this.running.add(role);
    let ended = false;
    return {
      ok: true,
      end: () => {
        if (ended) return;
        ended = true;
        this.running.delete(role);
      },
    };
  }
}
