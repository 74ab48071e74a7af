/**
 * The monitor's (re)starts, one after another: two quick saves of the
 * settings never leave two monitors running. The page's first questions,
 * asked while the window loads, wait for the latest start rather than be
 * refused.
 */
export class StartQueue {
  private tail: Promise<void> = Promise.resolve();
  private latest: Promise<void>;
  private settleFirst: () => void = () => undefined;

  constructor() {
    // Pending until the first start has run: a question asked before any start waits for it.
    this.latest = new Promise<void>((resolve) => {
      this.settleFirst = resolve;
    });
  }

  /** Runs `start` once every earlier start has finished; resolves or rejects as it does. */
  run(start: () => Promise<void>): Promise<void> {
    const next = this.tail.then(start);
    // A start that failed is its caller's to hear of; the next start runs all the same.
    this.tail = next.catch(() => undefined);
    this.latest = this.tail;
    // Handled here as well as by the caller: a failed start settles the first wait too.
    next.then(this.settleFirst, this.settleFirst);
    return next;
  }

  /** Resolves once no start is under way, however many were queued meanwhile and however they ended. */
  async settled(): Promise<void> {
    for (let awaited = this.latest; ; awaited = this.latest) {
      await awaited;
      if (awaited === this.latest) return;
    }
  }
}
