/**
 * When each phase of a command ended, in milliseconds since the process
 * started (the origin of Node's `performance.now()`): what `status --timings`
 * writes to standard error, and what the bench splits a run with.
 */
export class PhaseTimes {
  private readonly marks = new Map<string, number>();

  /** The first time only: a phase that repeats (a second connection, say) ended the first time. */
  mark(phase: string): void {
    if (!this.marks.has(phase)) this.marks.set(phase, performance.now());
  }

  /** `timings (ms since the process started): loaded 152 · connected 160 · …` */
  text(): string {
    const marks = [...this.marks].map(([phase, ms]) => `${phase} ${ms.toFixed(1)}`);
    return `timings (ms since the process started): ${marks.join(' · ')}`;
  }
}
