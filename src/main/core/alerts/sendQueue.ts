/** How a receiver's notices are retried and how many may wait. */
export interface RetryPolicy {
  /** Tries per notice, the first included; then it is given up. */
  readonly maxTries: number;
  /** The wait after the first failed try; each later one doubles it, up to `maxRetryMs`. */
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** Notices that may wait; past it the oldest waiting one is pushed out. */
  readonly queueLimit: number;
}

/**
 * Eight tries over about four minutes: a receiver restarting or a network hiccup loses nothing, one down for good holds
 * nothing long.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTries: 8,
  firstRetryMs: 2000,
  maxRetryMs: 120_000,
  queueLimit: 50,
};

/** The wait before the next try, after `failures` failed ones (1 or more): doubling, capped. */
export function retryDelayMs(failures: number, policy: RetryPolicy): number {
  const doublings = Math.max(0, failures - 1);
  // Past 2^30 the product only overflows toward the cap anyway.
  return Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** Math.min(doublings, 30));
}

export interface Queued<T> {
  readonly item: T;
  /** Tries made so far. */
  readonly tries: number;
  /** Not to be tried before this instant. */
  readonly dueAt: number;
}

/**
 * A receiver's notices in order, sent one at a time from the head: a recovery
 * never overtakes the firing it ends. `busy` while the head is being tried.
 */
export interface SendQueue<T> {
  readonly items: readonly Queued<T>[];
  readonly busy: boolean;
}

export function emptyQueue<T>(): SendQueue<T> {
  return { items: [], busy: false };
}

/** Adds a notice at the tail; when full, the oldest one waiting (never the one being tried) makes room. */
export function enqueue<T>(
  queue: SendQueue<T>,
  item: T,
  now: number,
  policy: RetryPolicy,
): { readonly queue: SendQueue<T>; readonly pushedOut: T | null } {
  const added = [...queue.items, { item, tries: 0, dueAt: now }];
  if (added.length <= Math.max(1, policy.queueLimit)) return { queue: { ...queue, items: added }, pushedOut: null };
  const oldest = queue.busy ? 1 : 0;
  const pushedOut = added[oldest]?.item ?? null;
  return { queue: { ...queue, items: added.filter((_, index) => index !== oldest) }, pushedOut };
}

/** What to do next: try the head now, wait this long for it, or nothing (empty, or a try under way). */
export function nextStep<T>(
  queue: SendQueue<T>,
  now: number,
):
  | { readonly kind: 'try'; readonly head: Queued<T> }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'idle' } {
  const head = queue.items[0];
  if (head === undefined || queue.busy) return { kind: 'idle' };
  return head.dueAt <= now ? { kind: 'try', head } : { kind: 'wait', ms: head.dueAt - now };
}

export function startTry<T>(queue: SendQueue<T>): SendQueue<T> {
  return { ...queue, busy: true };
}

/** What came of the head's try. `retry: false` is an answer no later try can change (a 4xx, a redirect). */
export type TryResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retry: boolean };

/**
 * The queue after the head's try: taken off when sent, or given up when out
 * of tries or not worth another; otherwise kept at the head, due after the
 * backoff.
 */
export function finishTry<T>(
  queue: SendQueue<T>,
  result: TryResult,
  now: number,
  policy: RetryPolicy,
): { readonly queue: SendQueue<T>; readonly outcome: 'sent' | 'retrying' | 'gave-up'; readonly item: T | null } {
  const [head, ...rest] = queue.items;
  if (head === undefined) return { queue: { items: [], busy: false }, outcome: 'gave-up', item: null };
  const tries = head.tries + 1;
  if (result.ok) return { queue: { items: rest, busy: false }, outcome: 'sent', item: head.item };
  if (!result.retry || tries >= policy.maxTries) {
    return { queue: { items: rest, busy: false }, outcome: 'gave-up', item: head.item };
  }
  const retried = { item: head.item, tries, dueAt: now + retryDelayMs(tries, policy) };
  return { queue: { items: [retried, ...rest], busy: false }, outcome: 'retrying', item: head.item };
}
