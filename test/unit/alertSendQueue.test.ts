import { describe, expect, it } from 'vitest';
import {
  FRESH_RECEIVER_TRACK,
  receiverHealthOf,
  trackDropped,
  trackTry,
} from '../../src/main/core/alerts/receiverTrack';
import {
  DEFAULT_RETRY_POLICY,
  emptyQueue,
  enqueue,
  finishTry,
  nextStep,
  retryDelayMs,
  startTry,
  type RetryPolicy,
  type SendQueue,
} from '../../src/main/core/alerts/sendQueue';

const POLICY: RetryPolicy = { maxTries: 4, firstRetryMs: 1000, maxRetryMs: 3000, queueLimit: 3 };
const FAILED = { ok: false, error: 'answered HTTP 503', retry: true } as const;

function queueOf(items: readonly string[], now = 0): SendQueue<string> {
  return items.reduce((queue, item) => enqueue(queue, item, now, POLICY).queue, emptyQueue<string>());
}

describe('retryDelayMs', () => {
  it('doubles from the first wait, up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((failures) => retryDelayMs(failures, POLICY))).toEqual([1000, 2000, 3000, 3000, 3000]);
    expect(retryDelayMs(1000, DEFAULT_RETRY_POLICY)).toBe(DEFAULT_RETRY_POLICY.maxRetryMs);
  });

  it('gives up the default policy within minutes', () => {
    const waits = Array.from({ length: DEFAULT_RETRY_POLICY.maxTries - 1 }, (_, index) =>
      retryDelayMs(index + 1, DEFAULT_RETRY_POLICY),
    );
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThan(5 * 60_000);
  });
});

describe('the send queue', () => {
  it('tries the head at once, one at a time, in order', () => {
    let queue = queueOf(['raised', 'resolved'], 100);
    const step = nextStep(queue, 100);
    expect(step).toEqual({ kind: 'try', head: { item: 'raised', tries: 0, dueAt: 100 } });
    queue = startTry(queue);
    expect(nextStep(queue, 100)).toEqual({ kind: 'idle' });
    const done = finishTry(queue, { ok: true }, 150, POLICY);
    expect(done.outcome).toBe('sent');
    expect(done.item).toBe('raised');
    expect(nextStep(done.queue, 150)).toMatchObject({ kind: 'try', head: { item: 'resolved' } });
  });

  it('keeps a failed head first, due after the backoff, and gives it up after its last try', () => {
    let queue = queueOf(['raised', 'resolved']);
    const outcomes: string[] = [];
    let now = 0;
    for (;;) {
      const step = nextStep(queue, now);
      if (step.kind === 'wait') {
        now += step.ms;
        continue;
      }
      if (step.kind === 'idle' || step.head.item !== 'raised') break;
      const done = finishTry(startTry(queue), FAILED, now, POLICY);
      outcomes.push(`${done.outcome} at ${String(now)}`);
      queue = done.queue;
    }
    expect(outcomes).toEqual(['retrying at 0', 'retrying at 1000', 'retrying at 3000', 'gave-up at 6000']);
    expect(queue.items.map((queued) => queued.item)).toEqual(['resolved']);
  });

  it('gives up at once what no retry can change', () => {
    const done = finishTry(startTry(queueOf(['raised'])), { ok: false, error: 'HTTP 404', retry: false }, 0, POLICY);
    expect(done.outcome).toBe('gave-up');
    expect(done.queue.items).toEqual([]);
  });

  it('pushes out the oldest waiting notice when full, never the one being tried', () => {
    const idle = enqueue(queueOf(['a', 'b', 'c']), 'd', 0, POLICY);
    expect(idle.pushedOut).toBe('a');
    expect(idle.queue.items.map((queued) => queued.item)).toEqual(['b', 'c', 'd']);
    const busy = enqueue(startTry(queueOf(['a', 'b', 'c'])), 'd', 0, POLICY);
    expect(busy.pushedOut).toBe('b');
    expect(busy.queue.items.map((queued) => queued.item)).toEqual(['a', 'c', 'd']);
  });
});

describe('a receiver track', () => {
  const receiver = { name: 'phone', kind: 'ntfy', minLevel: 'critical' } as const;

  it('goes down once, at the first failure, and comes back once, saying for how long', () => {
    const first = trackTry(FRESH_RECEIVER_TRACK, FAILED, 1000);
    expect(first.change).toEqual({ kind: 'down', error: 'answered HTTP 503' });
    const second = trackTry(first.track, { ok: false, error: 'no answer within 5000 ms', retry: true }, 3000);
    expect(second.change).toBeNull();
    expect(receiverHealthOf(receiver, trackDropped(second.track), 2)).toEqual({
      name: 'phone',
      kind: 'ntfy',
      minLevel: 'critical',
      state: 'failing',
      failingSince: new Date(1000).toISOString(),
      lastError: 'no answer within 5000 ms',
      lastOkAt: null,
      queued: 2,
      delivered: 0,
      dropped: 1,
    });
    const back = trackTry(second.track, { ok: true }, 61_000);
    expect(back.change).toEqual({ kind: 'up', downMs: 60_000 });
    expect(trackTry(back.track, { ok: true }, 62_000).change).toBeNull();
    expect(receiverHealthOf(receiver, back.track, 0)).toMatchObject({
      state: 'ok',
      failingSince: null,
      lastOkAt: new Date(61_000).toISOString(),
      delivered: 1,
    });
  });
});
